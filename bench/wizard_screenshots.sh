#!/usr/bin/env bash
# Renders each page of the experiment wizard (and the main window) under Xvfb
# at 1280x800 to PNG files for review: the wizard open on a sample project
# with its data preview, layer table and schedule plot filled in.
#   bench/wizard_screenshots.sh [OUT_DIR] [PROJECT]   (defaults: wizard-screenshots, fortunes-gpt)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-wizard-screenshots}")
project=${2:-fortunes-gpt}
cmake --build build --target widgets_tests >/dev/null
mkdir -p "$out"
CRADLE_SCREENSHOT_DIR="$out" CRADLE_SCREENSHOT_PROJECT="$project" \
  xvfb-run -a -s "-screen 0 1280x800x24" build/tests/widgets_tests WizardScreenshots >/dev/null
CRADLE_SCREENSHOT="$out/0-main-window.png" \
  xvfb-run -a -s "-screen 0 1280x800x24" build/tests/widgets_tests MainWindowTest rendersAtDesktopSize >/dev/null
ls -1 "$out"/*.png
