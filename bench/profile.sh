#!/usr/bin/env bash
# Where the time goes: `perf record -g` (cpu-clock sampling) over each squall-bench workload, and
# the hottest functions (self time, all threads) into bench/results/profile-<workload>.txt.
#
#   bench/profile.sh [workload ...]   (default: const-null-chained const-null-unchained
#                                      const-null-acked word-count word-count-acked ysb latency)
#
# Needs `perf` (Debian: linux-perf). The release profile keeps line-table debug info, so the report
# names squall's functions (inlined frames are folded into their callers).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cargo build --release --quiet -p squall-bench
bin="${CARGO_TARGET_DIR:-$repo/target}/release/squall-bench"
mkdir -p bench/results
workloads=("$@")
[ ${#workloads[@]} -eq 0 ] && workloads=(const-null-chained const-null-unchained const-null-acked word-count word-count-acked ysb latency)
for w in "${workloads[@]}"; do
  case "$w" in
    const-null-chained)   args=(const-null --grouping local-or-shuffle --records 50000000) ;;
    const-null-unchained) args=(const-null --grouping shuffle --chaining off --records 30000000) ;;
    const-null-acked)     args=(const-null --grouping shuffle --acking on --records 5000000) ;;
    word-count)           args=(word-count --records 4000000) ;;
    word-count-acked)     args=(word-count --acking on --records 2000000) ;;
    ysb)                  args=(ysb --records 2000000) ;;
    latency)              args=(latency --rate 150000 --duration 5) ;;
    *) echo "unknown workload $w" >&2; exit 2 ;;
  esac
  data=$(mktemp /tmp/squall-perf.XXXXXX)
  echo "+ perf record: squall-bench ${args[*]}" >&2
  perf record -e cpu-clock -F 999 -g -o "$data" "$bin" "${args[@]}" >/dev/null 2>&1
  {
    echo "# squall-bench ${args[*]}  ($(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), load1 $(cut -d' ' -f1 /proc/loadavg))"
    echo "# self time by function, all threads"
    perf report -i "$data" --no-children --sort symbol --stdio -g none --percent-limit 0.7 2>/dev/null \
      | grep -E '^ +[0-9]' | sed -E 's/( +-)+ *$//' | head -40
    echo
    echo "# self time by thread"
    perf report -i "$data" --no-children --sort comm --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | sed -E 's/ +$//' | head -12
  } >"bench/results/profile-$w.txt"
  rm -f "$data"
  head -22 "bench/results/profile-$w.txt"
done
