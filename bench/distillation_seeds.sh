#!/usr/bin/env bash
# Knowledge distillation against the same student trained alone (issue 10):
# projects/fashion-mnist/student.json and distill.json (an MLP with a quarter
# of the CNN teacher's parameters; same data, steps and seed) over several
# seeds; prints each seed's test accuracy and the medians.
#   bench/distillation_seeds.sh [SEEDS]   (default 5; needs runs/fashion-mnist, the teacher)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
seeds=${1:-5}
[ -f runs/fashion-mnist/model/model.pt ] || { echo "train the teacher first: build/app/cradle-cli train projects/fashion-mnist/experiment.json --out runs/fashion-mnist" >&2; exit 2; }
cmake --build build --target cradle-cli >/dev/null
out=$(mktemp -d)
accuracy() { grep "^test accuracy" | cut -d' ' -f3; }
alone=(); distilled=()
for seed in $(seq 1 "$seeds"); do
  a=$(build/app/cradle-cli train projects/fashion-mnist/student.json --out "$out/alone-$seed" --set seed="$seed" 2>&1 | accuracy)
  d=$(build/app/cradle-cli train projects/fashion-mnist/distill.json --out "$out/distilled-$seed" --set seed="$seed" 2>&1 | accuracy)
  echo "seed $seed: alone $a, distilled $d"
  alone+=("$a"); distilled+=("$d")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
echo "median test accuracy over $seeds seeds: alone $(median "${alone[@]}"), distilled $(median "${distilled[@]}")"
rm -rf "$out"
