#!/usr/bin/env bash
# CTest's golden.Trajectories: trains every golden trajectory afresh and
# compares it with the stored references (tests/golden/reference/) within the
# tolerance that holds across processors (see reference/README.md).
#   tests/golden/check.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
now="$build/golden-now"
rm -rf "$now"
"$here/run_trajectories.sh" "$build" "$now"
python3 "$here/trajectory.py" compare "$here/reference" "$now" --rtol "$(cat "$here/reference/RTOL")" --atol "$(cat "$here/reference/ATOL")" \
  --accuracy-atol "$(cat "$here/reference/ACCURACY_ATOL")"
