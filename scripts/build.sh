#!/usr/bin/env bash
# Configures and builds Cradle in ./build (Release, Ninja). Extra arguments go
# to `cmake --build` (e.g. --target cradle-cli).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build "$@"
