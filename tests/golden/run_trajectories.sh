#!/usr/bin/env bash
# Trains every sample project and every alignment stage for a few dozen steps
# (fixed threads, a few thousand samples, a logged point every two steps) and
# writes one summary per trajectory: the losses and metrics of metrics.jsonl
# and the final metrics of report.json (tests/golden/trajectory.py summarise).
# Golden trajectories (issue 29): a change meant to alter no behaviour must
# leave these numbers as they were, bit for bit on one machine
# (`trajectory.py compare A B --exact`) and within the stored references'
# tolerance on any processor (ctest -L golden).
#   tests/golden/run_trajectories.sh BUILD_DIR OUT_DIR [NAME...]   (default: every trajectory)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath "$1")
out=$(realpath -m "$2")
shift 2
only=("$@")
cli="$build/app/cradle-cli"
mkdir -p "$out/runs"
export CRADLE_CACHE_DIR="${CRADLE_CACHE_DIR:-$build/test-data-cache}"

# Shared by every trajectory: two threads (the result depends on the thread count), one epoch, a point every 2 steps.
common=(--set threads=2 --set train.epochs=1 --set train.log_every=2)

trajectory() {  # NAME EXPERIMENT [--set ...]
  local name=$1 experiment=$2
  shift 2
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then return; fi
  rm -rf "$out/runs/$name"
  if ! "$cli" train "$root/$experiment" --out "$out/runs/$name" "${common[@]}" "$@" >"$out/runs/$name.log" 2>&1; then
    echo "golden: $name failed; its log:" >&2
    tail -20 "$out/runs/$name.log" >&2
    exit 1
  fi
  python3 "$here/trajectory.py" summarise "$out/runs/$name" >"$out/$name.json"
  echo "golden: $name"
}

images=(--set data.max_train_samples=1920 --set data.max_test_samples=256)
texts=(--set data.max_train_samples=256 --set train.batch_size=8 --set data.validation_fraction=0.01 --set data.max_test_samples=32)
trajectory fashion-mnist projects/fashion-mnist/experiment.json "${images[@]}"
trajectory fashion-resnet projects/fashion-resnet/experiment.json "${images[@]}" --set train.batch_size=64
trajectory fashion-mnist-prune projects/fashion-mnist/prune.json "${images[@]}" --set data.max_train_samples=768 --set train.epochs=3 \
  --set init_from="$out/runs/fashion-mnist"  # pruning takes compress.cycles (3) epochs
trajectory fashion-mnist-prune-channels projects/fashion-mnist/prune-channels.json "${images[@]}" --set init_from="$out/runs/fashion-mnist"
trajectory fashion-mnist-distill projects/fashion-mnist/distill.json "${images[@]}" --set compress.teacher="$out/runs/fashion-mnist"
# Not projects/transfer-digits: its digits are rendered from the machine's own fonts (make_digits.sh), so its data,
# and with it its numbers, differ from machine to machine.
trajectory tabular-regression projects/tabular-regression/experiment.json --set train.epochs=3
trajectory fortunes-gpt projects/fortunes-gpt/experiment.json "${texts[@]}"
trajectory fortunes-lstm projects/fortunes-lstm/experiment.json "${texts[@]}"
trajectory fortunes-zh-lstm projects/fortunes-zh-lstm/experiment.json "${texts[@]}"
trajectory fortunes-topics projects/fortunes-topics/experiment.json "${texts[@]}"
trajectory fortunes-topics-encoder projects/fortunes-topics-encoder/experiment.json "${texts[@]}"
align=projects/alignment-demo
trajectory align-pretrain $align/experiment.json "${texts[@]}"
trajectory align-sft $align/sft.json "${texts[@]}" --set init_from="$out/runs/align-pretrain"
trajectory align-reward $align/reward.json "${texts[@]}" --set init_from="$out/runs/align-sft"
trajectory align-ppo $align/ppo.json --set data.max_train_samples=48 --set data.max_test_samples=16 \
  --set init_from="$out/runs/align-sft" --set align.reward_run="$out/runs/align-reward"
trajectory align-dpo $align/dpo.json "${texts[@]}" --set init_from="$out/runs/align-sft"
