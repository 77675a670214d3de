#!/usr/bin/env bash
# Runs a libFuzzer target for a bounded time on a scratch copy of its seed
# corpus (new inputs stay out of the source tree). A crash, leak, sanitizer
# report or timeout fails the test and leaves the input in the scratch folder.
# Usage: run_fuzz_target.sh TARGET SEED_CORPUS SECONDS
set -euo pipefail
target=$1 seeds=$2 seconds=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/cradle-fuzz.XXXXXX")
cp -r "$seeds"/. "$work/corpus"
cd "$work"
if "$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=8192 \
     -print_final_stats=1 corpus 2>fuzz.log; then
  tail -n 12 fuzz.log
  rm -rf "$work"
else
  status=$?
  tail -n 60 fuzz.log
  echo "fuzz target failed (exit $status); inputs and log kept in $work" >&2
  exit "$status"
fi
