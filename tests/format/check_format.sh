#!/usr/bin/env bash
# The house style, checked: every C++ file of the project as clang-format
# (.clang-format at the top) would write it. Fails naming each file that is
# not, with the first lines it would change; `tests/format/check_format.sh
# --fix` formats them in place. The formatter is the one the tree was formatted
# with (clang-format 14, Debian 12's): another version wraps some lines
# differently, so CLANG_FORMAT may name another binary only on purpose.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
formatter=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$formatter" >/dev/null; then
  echo "style: $formatter is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
cd "$root"
mapfile -t files < <(find core app widgets tests bench -type f \( -name '*.cpp' -o -name '*.h' \) | sort)
if [ "${1:-}" = "--fix" ]; then
  "$formatter" -i "${files[@]}"
  echo "style: formatted ${#files[@]} files"
  exit 0
fi
bad=0
for file in "${files[@]}"; do
  if ! "$formatter" --dry-run --Werror "$file" >/dev/null 2>&1; then
    bad=$((bad + 1))
    echo "style: $file is not formatted; for example:" >&2
    diff <("$formatter" "$file") "$file" | head -8 >&2 || true
  fi
done
if [ "$bad" -gt 0 ]; then
  echo "style: $bad of ${#files[@]} files differ from .clang-format; run tests/format/check_format.sh --fix" >&2
  exit 1
fi
echo "style: ${#files[@]} files formatted as .clang-format says"
