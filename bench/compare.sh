#!/usr/bin/env bash
# squall against its peers, side by side, in one run: every figure BENCHMARKS.md cites.
#
#   bench/compare.sh [runs]        (runs: repetitions per variant, default 3; medians are compared)
#
# 1. builds squall-bench (release) and runs squall's workloads: const-null (shuffle and
#    local-or-shuffle, acking off/on, chaining on/off, p = 1 and 2), const-id-null, word count
#    (acking off/on), ysb, the raw-queue reference, start-up and memory, and the latency sweep
#    with its plot;
# 2. runs the peers one after another (/work/shared/bench/peers: timely and Flink by default;
#    they install into PEERS_DIR, default ~/.cache/squall-peers, on first use);
# 3. prints the ratios (squall-bench summary) and keeps everything under bench/results/:
#    <stamp>.jsonl (every result, one JSON line each, the peers' as {"workload":"peer",...}),
#    <stamp>-summary.md, latency-<stamp>.svg, and latest-summary.md / latency.svg copies.
#
# Environment:
#   PEERS="timely flink"      peers to run (also: bytewax pathway); PEERS="" for squall only
#   PARALLELISMS="1 2"        parallelisms for squall and the peers
#   IDENTITY_N, WORDCOUNT_N   records / sentences per squall run (defaults below); the peers keep
#                             their own defaults unless PEER_IDENTITY_N / PEER_WORDCOUNT_N are set
#   QUICK=1                   small sizes and one run: checks the pipeline, not for figures
#   CORE=1                    only what is set against the peers (const-null and word count with
#                             chaining on, the raw queue), then the peers: a shorter re-check
#   PEERS_SRC                 where the peer programs are (default: shared/bench/peers)
#
# Run it on an otherwise idle machine: every row records the 1-minute load average (load1) so a
# noisy run can be spotted.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
runs=${1:-3}
if [ -n "${QUICK:-}" ]; then
  runs=1
  : "${IDENTITY_N:=2000000}" "${IDENTITY_ACK_N:=500000}" "${WORDCOUNT_N:=200000}" "${WORDCOUNT_ACK_N:=100000}"
  : "${YSB_N:=200000}" "${RAW_N:=5000000}" "${LATENCY_SECS:=1}" "${PEER_IDENTITY_N:=2000000}" "${PEER_WORDCOUNT_N:=200000}"
fi
identity_n=${IDENTITY_N:-50000000}
identity_ack_n=${IDENTITY_ACK_N:-10000000}
wordcount_n=${WORDCOUNT_N:-5000000}
wordcount_ack_n=${WORDCOUNT_ACK_N:-2000000}
ysb_n=${YSB_N:-3000000}
raw_n=${RAW_N:-50000000}
latency_secs=${LATENCY_SECS:-5}
parallelisms=${PARALLELISMS:-1 2}
plist=$(echo "$parallelisms" | tr ' ' ',')
peers=${PEERS-timely flink}
if [ -z "${PEERS_SRC:-}" ]; then
  for d in "$repo/../shared/bench/peers" /work/shared/bench/peers; do
    if [ -d "$d" ]; then PEERS_SRC=$d; break; fi
  done
fi
PEERS_SRC=${PEERS_SRC:-/nonexistent}

mkdir -p bench/results
stamp=$(date +%Y%m%d-%H%M%S)
out="bench/results/$stamp.jsonl"
plot="bench/results/latency-$stamp.svg"
log="bench/results/$stamp.log"
echo "# results: $out  log: $log" >&2

cargo build --release --quiet -p squall-bench
bin="${CARGO_TARGET_DIR:-$repo/target}/release/squall-bench"

# Where and what this run measured.
python3 - "$out" "$runs" <<'EOF'
import json, os, subprocess, sys
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return ""
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
meta = {"workload": "meta", "commit": sh("git", "rev-parse", "--short", "HEAD"),
        "dirty": bool(sh("git", "status", "--porcelain", "--untracked-files=no")),
        "rustc": sh("rustc", "--version"), "cpus": os.cpu_count(), "cpu": cpu,
        "load1": float(open("/proc/loadavg").read().split()[0]), "runs": int(sys.argv[2]),
        "date": sh("date", "-u", "+%Y-%m-%dT%H:%M:%SZ")}
open(sys.argv[1], "a").write(json.dumps(meta) + "\n")
EOF

# A failed check or a hung run is recorded (check: FAIL ...) and the run goes on.
sq() {
  echo "+ squall-bench $*" >&2
  "$bin" --out "$out" "$@" >>"$log" || echo "# squall-bench $1: failures recorded, see $log" >&2
}

# 1. squall
if [ -n "${CORE:-}" ]; then chainings=on; else chainings=on,off; fi
sq const-null -p "$plist" --grouping shuffle,local-or-shuffle --chaining "$chainings" --acking off \
   --records "$identity_n" --reps "$runs" --timeout 60
if [ -z "${CORE:-}" ]; then
  sq const-null -p "$plist" --grouping shuffle,local-or-shuffle --chaining on,off --acking on \
     --records "$identity_ack_n" --reps "$runs" --timeout 60
  sq const-id-null -p "$plist" --grouping shuffle,local-or-shuffle --acking off \
     --records "$identity_n" --reps "$runs" --timeout 60
fi
sq word-count -p "$plist" --grouping local-or-shuffle,shuffle --chaining "$chainings" --acking off \
   --records "$wordcount_n" --reps "$runs" --timeout 60
sq word-count -p "$plist" --grouping local-or-shuffle,shuffle --acking on \
   --records "$wordcount_ack_n" --reps "$runs" --timeout 60
sq raw-queue --records "$raw_n" --reps "$runs"
if [ -z "${CORE:-}" ]; then
  sq ysb -p "$plist" --chaining on,off --acking off,on --records "$ysb_n" --reps "$runs" --timeout 60
  sq startup --reps 20
  sq latency --sweep --duration "$latency_secs" --warmup 1 --plot "$plot"
fi

# 2. the peers, one after another
for peer in $peers; do
  if [ ! -x "$PEERS_SRC/$peer/run.sh" ] && [ ! -f "$PEERS_SRC/$peer/run.sh" ]; then
    echo "# no peer $peer under $PEERS_SRC" >&2; continue
  fi
  echo "+ peer $peer" >&2
  env_args=(PARALLELISMS="$parallelisms")
  [ -n "${PEER_IDENTITY_N:-}" ] && env_args+=(IDENTITY_N="$PEER_IDENTITY_N")
  [ -n "${PEER_WORDCOUNT_N:-}" ] && env_args+=(WORDCOUNT_N="$PEER_WORDCOUNT_N")
  if ! lines=$(env "${env_args[@]}" bash "$PEERS_SRC/$peer/run.sh" "$runs" 2>>"$log"); then
    echo "# peer $peer failed; see $log" >&2; continue
  fi
  # `peer series parallelism rate` lines (medians) → JSON lines
  echo "$lines" | python3 -c '
import json, sys
load = float(open("/proc/loadavg").read().split()[0])
for line in sys.stdin:
    f = line.split()
    if len(f) == 4 and not line.startswith("#"):
        print(json.dumps({"workload": "peer", "peer": f[0], "series": f[1], "parallelism": int(f[2]),
                          "rate": float(f[3]), "load1": load}))
' >>"$out"
done

# 3. the ratios
"$bin" summary "$out" | tee "bench/results/$stamp-summary.md"
cp "bench/results/$stamp-summary.md" bench/results/latest-summary.md
[ -f "$plot" ] && cp "$plot" bench/results/latency.svg
echo "# results: $out, summary: bench/results/$stamp-summary.md, plot: $plot" >&2
