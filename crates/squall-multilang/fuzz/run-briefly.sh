#!/usr/bin/env bash
# Runs every squall-multilang fuzz target briefly (see scripts/fuzz-briefly.sh for the options).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../../../scripts/fuzz-briefly.sh" "$here"
