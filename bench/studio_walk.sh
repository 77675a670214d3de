#!/usr/bin/env bash
# The journeys a new user takes, walked through the real window under Xvfb at
# each supported size, with a screenshot after every step, for people to look
# at before a change to the window lands (tests/widgets/studio_walk.cpp says
# what is walked: first start, an experiment, the wizard, a short Fashion-MNIST
# run with pause and resume, Evaluate and a matrix cell, export, the Model,
# Rate, Compress and Sweep tabs). About a minute per size on 2 cores.
#   bench/studio_walk.sh [OUT_DIR] [SIZES...]   (defaults: studio-walk, 1280x800 1920x1080 1024x768)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-studio-walk}")
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1280x800 1920x1080 1024x768)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || { echo "the Fashion-MNIST sample's data is missing: run scripts/install-deps.sh" >&2; exit 2; }
cmake --build build --target widgets_tests >/dev/null
for size in "${sizes[@]}"; do
  mkdir -p "$out/$size"
  echo "== $size"
  CRADLE_SCREENSHOT_DIR="$out/$size" CRADLE_WALK_SIZE="$size" \
    xvfb-run -a -s "-screen 0 ${size}x24" build/tests/widgets_tests StudioWalk 2>&1 | grep -E "FAIL|Loc:|Totals" || true
done
ls -1 "$out"/*/*.png | wc -l | xargs echo "screenshots:"
