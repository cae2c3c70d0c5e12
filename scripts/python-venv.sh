#!/usr/bin/env bash
# Creates (idempotently) the Python virtualenv squall's multilang tests run their pystorm children
# with, and prints the path of its interpreter on stdout.
#
#   scripts/python-venv.sh            # venv at <repo>/target/squall-venv
#   SQUALL_VENV=/tmp/v scripts/python-venv.sh
#
# Tests find the interpreter through SQUALL_PYTHON, else $SQUALL_VENV/bin/python3, else
# <repo>/target/squall-venv/bin/python3. Needs python3 (3.8 or newer) with the venv module; on
# Debian the module comes with the python3-venv package, installed here with apt-get when missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SQUALL_VENV:-$repo/target/squall-venv}"
python="${PYTHON:-python3}"
pystorm_version="3.1.4"

log() { echo "python-venv: $*" >&2; }

if ! command -v "$python" >/dev/null 2>&1; then
    log "no $python on PATH; install Python 3 first"
    exit 1
fi

if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        log "the venv module is missing; installing python3-venv with apt-get"
        sudo_cmd=""
        if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
        $sudo_cmd apt-get update -qq >&2
        $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2
    else
        log "the venv module is missing and apt-get is not available; install your distribution's python3-venv"
        exit 1
    fi
fi

if [ ! -x "$venv/bin/python3" ]; then
    log "creating $venv"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv" >&2
fi

if ! "$venv/bin/python3" -c "import pystorm, sys; sys.exit(0 if pystorm.__version__ == '$pystorm_version' else 1)" >/dev/null 2>&1; then
    log "installing pystorm $pystorm_version into $venv"
    "$venv/bin/python3" -m pip install --disable-pip-version-check --quiet "pystorm==$pystorm_version" >&2
fi

echo "$venv/bin/python3"
