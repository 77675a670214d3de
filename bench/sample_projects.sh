#!/usr/bin/env bash
# Training speed of every sample project, measured in real training (real data,
# the project's own model, batch and precision): for each project a short run of
# STEPS optimizer steps (an epoch cut to STEPS batches), then from its
# metrics.jsonl the median training samples/s (tokens/s for language models), the
# split of step time into data wait, forward, backward and optimizer, and model
# FLOP utilisation: 3x the forward FLOPs per sample that `cradle-cli inspect`
# estimates, times samples/s, against this machine's 1024^3 matrix product rate
# in the run's precision. Extra arguments are passed to every run as overrides.
# Usage: bench/sample_projects.sh [STEPS] [--set k=v ...]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
steps=40
if [[ $# -gt 0 && $1 != --* ]]; then steps=$1; shift; fi
scripts/build.sh --target cradle-cli --target cradle-bench-train >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for experiment in projects/*/experiment.json; do
  name=$(basename "$(dirname "$experiment")")
  batch=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["train"]["batch_size"])' "$experiment")
  build/app/cradle-cli inspect "$experiment" "$@" >"$out/$name.inspect" 2>/dev/null
  # One epoch of STEPS batches, a line every 5 steps, a small test split.
  build/app/cradle-cli train "$experiment" --out "$out/$name" "$@" --set train.epochs=1 --set train.log_every=5 \
    --set "data.max_train_samples=$((steps * batch))" --set data.max_test_samples=256 >"$out/$name.train" 2>&1 \
    || { echo "$name: training failed, see below" >&2; tail -3 "$out/$name.train" >&2; continue; }
done
build/bench/cradle-bench-train matmul float32 >"$out/matmul-float32.json"
build/bench/cradle-bench-train matmul bfloat16 >"$out/matmul-bfloat16.json"
python3 - "$out" <<'PY'
import json, os, re, statistics, sys
out = sys.argv[1]
rate = {p: json.load(open(f"{out}/matmul-{p}.json"))["matmul_gflops"] for p in ("float32", "bfloat16")}
units = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
print(f"{'project':24} {'precision':9} {'samples/s':>10} {'tokens/s':>9} {'data':>6} {'forward':>8} {'backward':>9} {'optimizer':>9} {'other':>6} {'MFU':>6}")
for name in sorted(d for d in os.listdir(out) if os.path.isdir(f"{out}/{d}")):
    experiment = json.load(open(f"{out}/{name}/experiment.json"))
    precision = experiment["train"]["precision"]
    lines = [json.loads(l) for l in open(f"{out}/{name}/metrics.jsonl") if '"kind":"train"' in l]
    # Each window's length is the step between consecutive lines' wall times; the first window holds the warm-up.
    windows = [(b, b["wall_time"] - a["wall_time"]) for a, b in zip(lines, lines[1:])]
    flops = re.search(r"forward FLOPs per sample: ([\d.]+) ?([kMGT]?)", open(f"{out}/{name}.inspect").read())
    per_sample = float(flops.group(1)) * units[flops.group(2)] if flops else 0
    rate_s = statistics.median(l["samples_per_sec"] for l, _ in windows)
    seconds = sum(d for _, d in windows)
    share = lambda key: 100 * sum(l[key] for l, _ in windows) / seconds
    parts = {k: share(k) for k in ("data_wait_s", "forward_s", "backward_s", "optimizer_s")}
    other = 100 - sum(parts.values())
    language_model = experiment["task"] == "language_model"
    tokens = f"{rate_s * experiment['data']['context_length']:9.0f}" if language_model else f"{'':9}"
    mfu = 3 * per_sample * rate_s / (rate[precision] * 1e9)
    print(f"{name:24} {precision:9} {rate_s:10.1f} {tokens} {parts['data_wait_s']:5.1f}% {parts['forward_s']:7.1f}% "
          f"{parts['backward_s']:8.1f}% {parts['optimizer_s']:8.1f}% {other:5.1f}% {100 * mfu:5.1f}%")
print(f"(matmul rate: {rate['float32']:.1f} GFLOP/s float32, {rate['bfloat16']:.1f} bfloat16; 'other': logging, metrics,")
print(" the loss and accuracy sums; shares of the logged windows after the first)")
PY
