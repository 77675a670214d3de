#!/usr/bin/env bash
# Trains the Fashion-MNIST sample for one epoch, RUNS times (default 3), and
# prints each run's median training throughput, evaluation-inclusive wall time
# and test accuracy, then the medians over the runs. Later work compares
# against these figures. Usage: bench/fashion_mnist_epoch.sh [RUNS] [--set k=v ...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
scripts/build.sh --target cradle-cli >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "Fashion-MNIST sample, 1 epoch, $(nproc) cores, $runs run(s)"
printf '%-5s %18s %10s %14s\n' run "samples/s (median)" "wall s" "test accuracy"
for i in $(seq 1 "$runs"); do
  build/app/cradle-cli train projects/fashion-mnist/experiment.json --out "$work/run$i" \
    --set train.epochs=1 "$@" >/dev/null
  report="$work/run$i/report.json"
  sps=$(grep -o '"median_train_samples_per_second": [0-9.]*' "$report" | awk '{print $2}')
  wall=$(grep -o '"wall_seconds": [0-9.]*' "$report" | awk '{print $2}')
  acc=$(awk '/"test"/{t=1} t && /"accuracy"/{gsub(/[ ,]/,""); split($0,a,":"); print a[2]; exit}' "$report")
  printf '%-5s %18.0f %10.1f %14.4f\n' "$i" "$sps" "$wall" "$acc"
  echo "$sps $wall $acc" >>"$work/figures"
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
printf '%-5s %18.0f %10.1f %14.4f\n' median \
  "$(awk '{print $1}' "$work/figures" | median)" \
  "$(awk '{print $2}' "$work/figures" | median)" \
  "$(awk '{print $3}' "$work/figures" | median)"
