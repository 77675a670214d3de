#!/usr/bin/env bash
# Training-step speed of Cradle's engine against PyTorch's Python API
# (Debian's python3-torch, same LibTorch 1.13 underneath) on the same models,
# batches, optimizers and precision: the Fashion-MNIST CNN sample (batch 64)
# and the fortunes GPT sample at batch 12 (4 blocks, 4 heads, width 128,
# context 64), each in float32 and bfloat16 autocast. ROUNDS (default 3)
# rounds run every configuration once, interleaved, so both sides see the same
# machine load; the table shows per-configuration medians over the rounds.
# Usage: bench/train_vs_pytorch.sh [ROUNDS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
rounds=${1:-3}
steps=${2:-40}
python=${PYTHON:-/usr/bin/python3}  # Debian's interpreter, where python3-torch lives
"$python" -c 'import torch' 2>/dev/null || { echo "needs python3-torch (apt install python3-torch) for $python" >&2; exit 1; }
scripts/build.sh --target cradle-bench-train >/dev/null
# PyTorch's best configuration here, matching what Cradle sets for itself at start-up
# (core/train/runtime.cpp): OpenBLAS at one thread beside LibTorch's pool, and
# glibc's malloc keeping large blocks instead of mapping and unmapping them on every
# step (worth 2.3x to PyTorch on the CNN, measured).
export OPENBLAS_NUM_THREADS=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
  for model in cnn gpt; do
    for precision in float32 bfloat16; do
      build/bench/cradle-bench-train "$model" "$precision" "$steps" >>"$results"
      "$python" bench/train_step_reference.py "$model" "$precision" "$steps" >>"$results"
    done
  done
done
python3 - "$results" "$rounds" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"training step, median of {sys.argv[2]} rounds (each the median of its steps), {rows[0]['threads']} threads")
print(f"{'model':5} {'precision':9} {'params':>9} {'batch':>5} {'cradle ms':>10} {'pytorch ms':>11} {'cradle/s':>9} {'pytorch/s':>10} {'speed-up':>8}")
for model in ("cnn", "gpt"):
    for precision in ("float32", "bfloat16"):
        pick = lambda impl: [r for r in rows if r["impl"] == impl and r["model"] == model and r["precision"] == precision]
        c, p = pick("cradle"), pick("pytorch")
        cm = statistics.median(r["median_step_ms"] for r in c)
        pm = statistics.median(r["median_step_ms"] for r in p)
        unit = 64 if model == "gpt" else 1  # tokens per sample
        print(f"{model:5} {precision:9} {c[0]['parameters']:>9} {c[0]['batch']:>5} {cm:>10.2f} {pm:>11.2f} "
              f"{c[0]['batch'] * unit * 1000 / cm:>9.0f} {p[0]['batch'] * unit * 1000 / pm:>10.0f} {pm / cm:>7.2f}x")
        if c[0]["parameters"] != p[0]["parameters"]:
            print(f"  warning: parameter counts differ ({c[0]['parameters']} vs {p[0]['parameters']})")
print("(per second: samples for the CNN, tokens for the GPT)")
print()
print("Cradle's step split and model FLOP utilisation (training FLOPs = 3x the estimated forward FLOPs of `inspect`,")
print("against a 1024^3 matrix product in the same precision), medians over the rounds:")
print(f"{'model':5} {'precision':9} {'forward ms':>10} {'backward ms':>11} {'optimizer ms':>12} {'model GFLOP/s':>13} {'matmul GFLOP/s':>14} {'MFU':>6}")
for model in ("cnn", "gpt"):
    for precision in ("float32", "bfloat16"):
        c = [r for r in rows if r["impl"] == "cradle" and r["model"] == model and r["precision"] == precision]
        m = lambda key: statistics.median(r[key] for r in c)
        print(f"{model:5} {precision:9} {m('forward_ms'):>10.2f} {m('backward_ms'):>11.2f} {m('optimizer_ms'):>12.2f} "
              f"{m('model_gflops'):>13.1f} {m('matmul_gflops'):>14.1f} {100 * m('mfu'):>5.1f}%")
print("(data wait is measured by training itself: bench/fashion_mnist_epoch.sh, metrics.jsonl data_wait_s)")
PY
