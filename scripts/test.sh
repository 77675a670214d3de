#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs every test: the unit
# suites, the end-to-end runs on real data, the fuzz targets and the Debian
# package's check, the golden trajectories and the house style (CTest labels unit,
# e2e, fuzz, package, golden, style).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure --parallel 2
