#!/usr/bin/env bash
# What watching costs: the Fashion-MNIST sample trained for one epoch by
# `cradle-cli train` and inside the studio's window (offscreen, dashboard
# following the run), interleaved ROUNDS times so both see the same machine
# load; prints each run's median samples/s and the medians over the rounds,
# and the window's event-loop latency (a 10 ms timer's lateness: median, p99,
# max) while it trained.
#   bench/dashboard_overhead.sh [ROUNDS] [EXPERIMENT]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
rounds=${1:-3}
source_experiment=${2:-projects/fashion-mnist/experiment.json}
cmake --build build --target cradle-cli cradle-bench-dashboard >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One epoch of the same experiment for both (its data paths are absolute).
python3 - "$source_experiment" "$work/experiment.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["train"]["epochs"] = 1
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
: >"$work/cli.txt"; : >"$work/window.txt"; : >"$work/p99.txt"
for round in $(seq 1 "$rounds"); do
  build/app/cradle-cli train "$work/experiment.json" --out "$work/cli-$round" >/dev/null
  cli=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["median_train_samples_per_second"]))' "$work/cli-$round/report.json")
  line=$(build/bench/cradle-bench-dashboard "$work/experiment.json" "$work/workspace-$round" 2>/dev/null | tail -1)
  window=$(echo "$line" | awk '{print $3}')
  p99=$(echo "$line" | awk '{print $8}')
  echo "round $round: cradle-cli $cli samples/s, window $window samples/s; $line"
  echo "$cli" >>"$work/cli.txt"; echo "$window" >>"$work/window.txt"; echo "$p99" >>"$work/p99.txt"
done
cli=$(median <"$work/cli.txt"); window=$(median <"$work/window.txt"); p99=$(median <"$work/p99.txt")
python3 - "$cli" "$window" "$p99" <<'PY'
import sys
cli, window, p99 = map(float, sys.argv[1:])
print(f"median over rounds: cradle-cli {cli:.0f} samples/s, window {window:.0f} samples/s "
      f"({(window / cli - 1) * 100:+.1f}%), event-loop latency p99 {p99:.1f} ms")
PY
