#!/usr/bin/env bash
# A training step of ResNet-18 at 224x224, batch 16, in Cradle against
# torchvision's ResNet-18 in PyTorch's Python API (Debian's python3-torch and
# python3-torchvision, the same LibTorch 1.13 underneath), both in their best
# configuration here: the whole network trained ("full") and only a new head
# over a frozen backbone ("frozen"); float32, and bfloat16 autocast where the
# processor has native bfloat16 (avx512_bf16 or AMX; elsewhere it is emulated
# and says nothing about either side). ROUNDS (default 3) rounds run every
# configuration once, interleaved; the table shows medians over the rounds.
# Usage: bench/backbone_vs_pytorch.sh [ROUNDS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
rounds=${1:-3}
steps=${2:-5}
python=${PYTHON:-/usr/bin/python3}
"$python" -c 'import torchvision' 2>/dev/null || {
  echo "needs python3-torchvision (apt install python3-torchvision) for $python" >&2
  exit 1
}
scripts/build.sh --target cradle-bench-backbone >/dev/null
export OPENBLAS_NUM_THREADS=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824
precisions=(float32)
if grep -qE '\b(avx512_bf16|amx_bf16)\b' /proc/cpuinfo; then
  precisions+=(bfloat16)
else
  echo "bfloat16: not measured, this processor has no native bfloat16 (avx512_bf16 or AMX)"
fi
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
  for mode in full frozen; do
    for precision in "${precisions[@]}"; do
      build/bench/cradle-bench-backbone "$mode" "$precision" "$steps" >>"$results"
      "$python" bench/backbone_step_reference.py "$mode" "$precision" "$steps" >>"$results"
    done
  done
done
python3 - "$results" "$rounds" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"ResNet-18 training step, 224x224, batch 16, median of {sys.argv[2]} rounds (each the median of its steps), "
      f"{rows[0]['threads']} threads")
print(f"{'mode':6} {'precision':9} {'cradle ms':>10} {'pytorch ms':>11} {'cradle img/s':>12} {'pytorch img/s':>13} "
      f"{'speed-up':>8}")
for mode in ("full", "frozen"):
    for precision in ("float32", "bfloat16"):
        pick = lambda impl, key: statistics.median(
            r[key] for r in rows if r["impl"] == impl and r["mode"] == mode and r["precision"] == precision)
        if not any(r["mode"] == mode and r["precision"] == precision for r in rows):
            continue
        c, p = pick("cradle", "median_step_ms"), pick("pytorch", "median_step_ms")
        print(f"{mode:6} {precision:9} {c:>10.1f} {p:>11.1f} {16000 / c:>12.1f} {16000 / p:>13.1f} {p / c:>7.2f}x")
params = {r["impl"]: r["parameters"] for r in rows}
if params["cradle"] != params["pytorch"]:
    print(f"warning: parameter counts differ ({params})")
PY
