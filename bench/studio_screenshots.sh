#!/usr/bin/env bash
# Renders the studio under Xvfb at 1280x800 to PNG files for review: the main
# window, each page of the experiment wizard open on a sample project (data
# preview, statistics, layer table, schedule plot filled in), and the training
# dashboard in the middle of a Fashion-MNIST run (about 30 s of training).
#   bench/studio_screenshots.sh [OUT_DIR] [PROJECT]   (defaults: studio-screenshots, fortunes-gpt)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-studio-screenshots}")
project=${2:-fortunes-gpt}
cmake --build build --target widgets_tests >/dev/null
mkdir -p "$out"
CRADLE_SCREENSHOT_DIR="$out" CRADLE_SCREENSHOT_PROJECT="$project" \
  xvfb-run -a -s "-screen 0 1280x800x24" build/tests/widgets_tests WizardScreenshots >/dev/null
CRADLE_SCREENSHOT="$out/0-main-window.png" \
  xvfb-run -a -s "-screen 0 1280x800x24" build/tests/widgets_tests MainWindowTest rendersAtDesktopSize >/dev/null
CRADLE_SCREENSHOT_DIR="$out" \
  xvfb-run -a -s "-screen 0 1280x800x24" build/tests/widgets_tests DashboardScreenshot >/dev/null
ls -1 "$out"/*.png
