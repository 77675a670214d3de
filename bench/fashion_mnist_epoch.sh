#!/usr/bin/env bash
# Trains the Fashion-MNIST sample for one epoch, RUNS times (default 3) in each
# of two loader configurations, interleaved so both see the same machine load:
#   sync:       data.loader_threads=0, the training thread gathers each batch
#               (what the default "auto" picks when training keeps every core busy)
#   background: data.loader_threads=1, a thread prefetches batches
# and prints per run the median training throughput, the share of training
# time spent waiting for batches, the evaluation-inclusive wall time and the
# test accuracy, then the medians per configuration.
# Usage: bench/fashion_mnist_epoch.sh [RUNS] [--set k=v ...]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
runs=${1:-3}
shift || true
scripts/build.sh --target cradle-cli >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

figures() {  # report.json metrics.jsonl -> "samples/s data-wait-% wall accuracy"
  python3 - "$1" "$2" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
train = [l for l in lines if l["kind"] == "train"]
wait = sum(l["data_wait_s"] for l in train)
train_seconds = train[-1]["wall_time"]  # one epoch: validation comes after the last training line
print(f'{report["median_train_samples_per_second"]:.0f} {100 * wait / train_seconds:.2f} '
      f'{report["wall_seconds"]:.1f} {report["metrics"]["test"]["accuracy"]:.4f}')
PY
}

echo "Fashion-MNIST sample, 1 epoch, $(nproc) cores, $runs run(s) per loader configuration"
printf '%-11s %-4s %18s %12s %8s %14s\n' loader run "samples/s (median)" "data wait %" "wall s" "test accuracy"
for i in $(seq 1 "$runs"); do
  for config in sync background; do
    threads=$([ "$config" = sync ] && echo 0 || echo 1)
    out="$work/$config-$i"
    build/app/cradle-cli train projects/fashion-mnist/experiment.json --out "$out" \
      --set train.epochs=1 --set data.loader_threads="$threads" "$@" >/dev/null
    read -r sps wait wall acc <<<"$(figures "$out/report.json" "$out/metrics.jsonl")"
    printf '%-11s %-4s %18s %12s %8s %14s\n' "$config" "$i" "$sps" "$wait" "$wall" "$acc"
    echo "$sps $wait $wall $acc" >>"$work/$config.figures"
  done
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
for config in sync background; do
  printf '%-11s %-4s %18.0f %12.2f %8.1f %14.4f\n' "$config" median \
    "$(awk '{print $1}' "$work/$config.figures" | median)" \
    "$(awk '{print $2}' "$work/$config.figures" | median)" \
    "$(awk '{print $3}' "$work/$config.figures" | median)" \
    "$(awk '{print $4}' "$work/$config.figures" | median)"
done
