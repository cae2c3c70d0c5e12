#!/usr/bin/env bash
# Installs the Debian packages squall's tests need, if missing: python3-venv (pystorm children),
# redis-server (squall-state's Redis backend).
# Servers the tests use are started by the tests themselves on loopback ports; none auto-starts.
set -euo pipefail
need=()
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    echo "installing: ${need[*]}"
    $sudo_cmd apt-get update -qq
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
else
    echo "nothing to install"
fi
