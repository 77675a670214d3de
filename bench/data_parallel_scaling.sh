#!/usr/bin/env bash
# Data-parallel scaling on this machine (issue 10): the Fashion-MNIST sample
# (projects/fashion-mnist/experiment.json, the CNN) for one epoch on a subset,
# as 1 process with 1 thread, 1 process with all cores, and N processes with a
# core each (--nproc N, batch 64/N per process so every step sees 64 samples).
# Prints each configuration's median training samples/s over REPEATS runs and
# the scaling efficiency: samples/s of N processes / (N x samples/s of 1 process
# with 1 thread). Ideal is 100%; the gap is the all-reduce and the idle waits.
#   bench/data_parallel_scaling.sh [REPEATS] [SAMPLES]   (default 3, 12000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
repeats=${1:-3}
samples=${2:-12000}
cores=$(nproc)
cmake --build build --target cradle-cli >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(projects/fashion-mnist/experiment.json --set train.epochs=1 --set data.max_train_samples="$samples"
        --set data.validation_fraction=0 --set data.max_test_samples=1000 --set train.log_every=20)
throughput() { python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["median_train_samples_per_second"]))' "$1/report.json"; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
run() {  # name, then the arguments after the common ones
  local name=$1; shift
  local values=()
  for r in $(seq 1 "$repeats"); do
    build/app/cradle-cli train "${common[@]}" --out "$out/$name-$r" "$@" >/dev/null
    values+=("$(throughput "$out/$name-$r")")
  done
  median "${values[@]}"
}
one_thread=$(run one-thread --set threads=1 --set train.batch_size=64)
all_threads=$(run all-threads --set threads=0 --set train.batch_size=64)
processes=$(run processes --nproc "$cores" --set threads=1 --set train.batch_size=$((64 / cores)))
echo "Fashion-MNIST CNN, $samples training samples, 64 per step, $cores cores, median of $repeats runs:"
echo "  1 process,  1 thread:            $one_thread samples/s"
echo "  1 process,  $cores threads:           $all_threads samples/s ($(python3 -c "print(f'{$all_threads/($cores*$one_thread):.0%}')") of ideal)"
echo "  $cores processes, 1 thread each:   $processes samples/s ($(python3 -c "print(f'{$processes/($cores*$one_thread):.0%}')") of ideal: scaling efficiency)"
