#!/bin/sh
# Runs this example's Python components with an interpreter that has pystorm: $SQUALL_PYTHON when
# set, else the repository's virtualenv (made by scripts/python-venv.sh). squall starts the
# components in this directory, as Storm starts them in the topology's resources directory, so the
# topology names this script relatively and runs it with `sh` (Storm's jars keep no execute bit).
here=$(dirname "$0")
python=${SQUALL_PYTHON:-$here/../../../target/squall-venv/bin/python3}
if [ ! -x "$python" ]; then
    echo "python.sh: no Python interpreter at $python: run scripts/python-venv.sh, or set SQUALL_PYTHON" >&2
    exit 127
fi
exec "$python" "$@"
