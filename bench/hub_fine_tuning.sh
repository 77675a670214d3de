#!/usr/bin/env bash
# Full fine-tuning against LoRA on a Hugging Face model of SmolLM-135M's shape
# at context 512 (bench/hub_fine_tuning_bench.cpp), each mode in a process of
# its own, beside the same step in PyTorch's Python API
# (bench/hub_fine_tuning_reference.py, Debian's python3-torch): peak resident
# memory and the median step time. ROUNDS (default 1) repeats every mode,
# interleaved; the table shows per-mode medians.
# Usage: bench/hub_fine_tuning.sh [ROUNDS] [STEPS] [CONTEXT]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
rounds=${1:-1}
steps=${2:-4}
context=${3:-512}
python=${PYTHON:-/usr/bin/python3}
"$python" -c 'import torch' 2>/dev/null || { echo "needs python3-torch (apt install python3-torch) for $python" >&2; exit 1; }
scripts/build.sh --target cradle-bench-hub-fine-tuning >/dev/null
export OPENBLAS_NUM_THREADS=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
  for mode in full full-checkpointed lora lora-checkpointed lora-bf16-checkpointed; do
    build/bench/cradle-bench-hub-fine-tuning "$mode" "$steps" "$context" >>"$results"
    "$python" bench/hub_fine_tuning_reference.py "$mode" "$steps" "$context" >>"$results"
  done
done
python3 - "$results" "$rounds" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
done = [r for r in rows if "skipped" not in r]
print(f"SmolLM-135M shape, batch 1, context {done[0]['context']}, AdamW; medians of {sys.argv[2]} round(s), {done[0]['threads']} threads")
print(f"{'mode':24} {'trainable':>11} {'cradle MiB':>10} {'pytorch MiB':>11} {'cradle ms':>10} {'pytorch ms':>10} {'speed-up':>8}")
full = None
for mode in ("full", "full-checkpointed", "lora", "lora-checkpointed", "lora-bf16-checkpointed"):
    side = {s: [r for r in done if r["mode"] == mode and r["side"] == s] for s in ("cradle", "pytorch")}
    if not side["cradle"]:
        print(f"{mode:24} skipped: " + next(r["skipped"] for r in rows if r["mode"] == mode))
        continue
    c_mib = statistics.median(r["peak_mib"] for r in side["cradle"])
    p_mib = statistics.median(r["peak_mib"] for r in side["pytorch"])
    c_ms = statistics.median(r["step_ms"] for r in side["cradle"])
    p_ms = statistics.median(r["step_ms"] for r in side["pytorch"])
    full = full or c_mib
    print(f"{mode:24} {side['cradle'][0]['trainable']:>11} {c_mib:>10.0f} {p_mib:>11.0f} {c_ms:>10.0f} {p_ms:>10.0f} {p_ms / c_ms:>7.2f}x"
          f"   (memory {c_mib / full:.0%} of full)")
PY
