#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs every test: the unit
# suites and the end-to-end runs on real data (CTest labels unit, e2e, fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure --parallel 2
