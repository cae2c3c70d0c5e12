#!/usr/bin/env bash
# Runs every fuzz target of one crate's fuzz directory for a bounded time; exits non-zero if any
# target crashes. Each crate's fuzz/run-briefly.sh calls this with its own directory.
# For CI and for a quick local check. Needs only stable Rust: RUSTC_BOOTSTRAP=1 lets stable accept
# the -Z flags cargo-fuzz passes (sanitizers, coverage instrumentation).
#
#   scripts/fuzz-briefly.sh crates/squall-wire/fuzz            # 20 s per target
#   FUZZ_SECONDS=300 scripts/fuzz-briefly.sh crates/squall-wire/fuzz
#
# Seeds come from seeds/<target>/ (committed); what the fuzzer learns goes to corpus/<target>/ and
# crashes to artifacts/<target>/ (both ignored by git). Reproduce a crash with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> artifacts/<target>/crash-...
set -euo pipefail

cd "${1:?usage: fuzz-briefly.sh FUZZ_DIR}"
seconds="${FUZZ_SECONDS:-20}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

# Jobs for building; the machine is shared.
jobs="${FUZZ_BUILD_JOBS:-1}"

status=0
for target in $(cargo fuzz list); do
    mkdir -p "corpus/$target"
    seeds=()
    if [ -d "seeds/$target" ]; then
        seeds=("seeds/$target")
    fi
    echo "fuzzing $target for ${seconds}s" >&2
    if ! CARGO_BUILD_JOBS="$jobs" cargo fuzz run "$target" "corpus/$target" "${seeds[@]}" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1; then
        echo "FUZZ FAILURE: $target (see artifacts/$target/)" >&2
        status=1
    fi
done
exit "$status"
