#!/usr/bin/env bash
# The rating panel's "done when" (issue 9), scripted under Xvfb at 1280x800: a
# labeller labels 20 pairs from the alignment demo's fortunes SFT model by
# keyboard, trains a reward model from them, runs PPO against it and rates the
# blind before/after sitting; prints the timings and figures, saves screenshots.
#   bench/rating_walkthrough.sh [OUT_DIR] [SFT_RUN]   (defaults: studio-screenshots, runs/alignment-demo/sft)
# The SFT run comes from: cradle-cli train projects/alignment-demo/experiment.json --out runs/alignment-demo/pretrain
#   then: cradle-cli train projects/alignment-demo/sft.json --out runs/alignment-demo/sft
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-studio-screenshots}")
policy=$(realpath -m "${2:-runs/alignment-demo/sft}")
[ -f "$policy/model/model.pt" ] || { echo "no trained SFT run in $policy (see the comment at the top)" >&2; exit 2; }
cmake --build build --target widgets_tests >/dev/null
mkdir -p "$out"
CRADLE_SCREENSHOT_DIR="$out" CRADLE_RATING_POLICY="$policy" \
  xvfb-run -a -s "-screen 0 1280x800x24" build/tests/widgets_tests RatingWalkthrough 2>&1 | grep -E "QINFO|FAIL|PASS   : .*labelTrain"
ls -1 "$out"/[678]-*.png
