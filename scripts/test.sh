#!/usr/bin/env bash
# squall's whole test suite: installs what the tests need, then checks formatting and lints, runs
# every test and doctest, runs the examples, the benchmark smoke run and the fuzzers briefly.
#
#   scripts/test.sh            (what .ci/run calls; CI=true, no stdin)
#
# Needs the Rust toolchain from rust-toolchain.toml, python3, and apt-get (as root or via sudo)
# for the system packages the integration tests start on loopback.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
started=$(date +%s)
step() { echo; echo "=== $* ($(( $(date +%s) - started )) s)"; }

step "system packages"
scripts/install-test-deps.sh

step "python virtualenv with pystorm"
SQUALL_PYTHON="$(scripts/python-venv.sh)"
export SQUALL_PYTHON

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (unit, integration, doc)"
cargo test --workspace --locked

step "examples"
for example in word_count exclamation reliable moving_average; do
    cargo run --locked -q -p squall --example "$example" -- 2>&1 | tail -n 3
done
cargo run --locked -q -p squall-state --example stateful_word_count 2>&1 | tail -n 3

if [ -d crates/squall-bench ]; then
    step "benchmark smoke run"
    cargo run --locked -q -p squall-bench -- smoke
fi

step "fuzzers, briefly"
# 15 s per target keeps the whole suite within CI's budget; run longer by hand with FUZZ_SECONDS.
export FUZZ_SECONDS="${FUZZ_SECONDS:-15}" FUZZ_BUILD_JOBS="${FUZZ_BUILD_JOBS:-2}"
for runner in crates/*/fuzz/run-briefly.sh; do
    [ -x "$runner" ] && "$runner"
done

step "all green"
