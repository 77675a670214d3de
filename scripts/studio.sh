#!/usr/bin/env bash
# The main job: installs the dependencies, builds, and starts the studio on the
# Fashion-MNIST sample project. With no display (or with --headless) the studio
# trains that project in the terminal and prints the test accuracy.
# Arguments are passed to `cradle` (e.g. --headless, or an experiment file).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target cradle cradle-cli
exec build/app/cradle "$@"
