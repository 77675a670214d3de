#!/usr/bin/env bash
# The Debian package, as a user gets it (CTest label "package"): CPack builds
# it from the finished build tree (what `cmake --build build --target package`
# runs), lintian finds no errors, its menu entry, metainfo and manual are
# valid, and unpacked into an empty root its files alone work: cradle-cli
# prints its version and trains an installed sample project and a model with
# a sentencepiece tokenizer (the private helper library), and cradle opens its
# window offscreen on the installed Fashion-MNIST sample.
# Usage: check_package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check_package: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "cpack"
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
debs=("$work"/out/cradle_*.deb)
[ -f "${debs[0]}" ] || fail "no cradle_*.deb in $work/out"
deb=${debs[0]}
echo "$(basename "$deb"): $(stat -c %s "$deb") bytes"
dpkg-deb --field "$deb" Package Version Architecture Depends Recommends

step "lintian (errors fail)"
lintian --fail-on error --display-level ">=warning" "$deb" 2>&1 | grep -v "running with root privileges" || true
lintian --fail-on error "$deb" >/dev/null 2>&1 || fail "lintian reports errors"

step "contents"
root=$work/root
dpkg-deb -x "$deb" "$root"
app_id=io.github.cradlestudio.Cradle
for file in usr/bin/cradle usr/bin/cradle-cli usr/share/applications/$app_id.desktop usr/share/metainfo/$app_id.metainfo.xml \
            usr/share/icons/hicolor/scalable/apps/$app_id.svg usr/share/man/man1/cradle-cli.1.gz usr/share/man/man1/cradle.1.gz \
            usr/share/doc/cradle/copyright usr/share/cradle/projects/fashion-mnist/experiment.json; do
  [ -f "$root/$file" ] || fail "the package lacks /$file"
done
helper=$(find "$root/usr/lib" -name libcradle_sentencepiece.so)
[ -n "$helper" ] || fail "the package lacks libcradle_sentencepiece.so"
echo "sentencepiece helper: ${helper#"$root"}"
desktop-file-validate "$root/usr/share/applications/$app_id.desktop" || fail "desktop entry"
appstreamcli validate --no-net "$root/usr/share/metainfo/$app_id.metainfo.xml" || fail "metainfo"
grep -q "^Icon=$app_id$" "$root/usr/share/applications/$app_id.desktop" || fail "the desktop entry names another icon"
# The manual documents every command the program has.
manual=$(zcat "$root/usr/share/man/man1/cradle-cli.1.gz" | sed 's/\\-/-/g')
commands=$("$root/usr/bin/cradle-cli" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')
[ -n "$commands" ] || fail "cradle-cli --help lists no commands"
for command in $commands; do
  grep -qE "^\.(B|BI|BR|RI) \"?$command( |\")" <<<"$manual" || fail "cradle-cli(1) lacks the command $command"
done
echo "cradle-cli(1) documents: $(echo $commands)"

# From here the installed files alone: a fresh home, the run folders in the work folder.
export HOME=$work/home XDG_CACHE_HOME=$work/home/.cache XDG_CONFIG_HOME=$work/home/.config
mkdir -p "$HOME"
cd "$work"
cli=$root/usr/bin/cradle-cli

step "cradle-cli --version"
version=$("$cli" --version)
[ "$version" = "cradle-cli $(dpkg-deb --field "$deb" Version)" ] || fail "version: $version"
echo "$version"

step "train the installed tabular-regression sample"
"$cli" train "$root/usr/share/cradle/projects/tabular-regression/experiment.json" --set train.epochs=3 --out "$work/runs/table" \
  | tail -n 3
grep -q '"status": "completed"' "$work/runs/table/report.json" || fail "the sample's run did not complete"

step "train a language model with a sentencepiece tokenizer"
mkdir -p corpus
for i in $(seq 1 80); do echo "the cat sat on the mat $i and the dog sat on the log"; done >corpus/lines.txt
cat >tiny-bpe.json <<'EOF'
{"format_version": 1, "name": "tiny-bpe", "task": "language_model",
 "data": {"source": "text", "paths": ["corpus"], "include": ["*.txt"], "records": "line",
          "tokenizer": {"type": "bpe", "vocab_size": 60}, "context_length": 16},
 "model": {"type": "gpt", "width": 32, "layers": 1, "heads": 2},
 "train": {"epochs": 1, "batch_size": 8}}
EOF
"$cli" train tiny-bpe.json --out "$work/runs/bpe" | tail -n 2
[ -s "$work/runs/bpe/model/tokenizer.model" ] || fail "no sentencepiece model written"
"$cli" generate "$work/runs/bpe" --prompt "the cat" --max-tokens 5 --temperature 0 >generated.txt
grep -q "^the cat" generated.txt || fail "generation: $(cat generated.txt)"

if [ -x "$root/usr/bin/cradle" ]; then
  step "cradle opens its window offscreen"
  QT_QPA_PLATFORM=offscreen "$root/usr/bin/cradle" --screenshot "$work/window.png" | tee opened.txt
  grep -q "on $root/usr/share/cradle/projects/fashion-mnist/experiment.json saved" opened.txt || fail "the window opened another experiment"
  [ "$(head -c 8 "$work/window.png" | od -An -tx1 | tr -d ' ')" = "89504e470d0a1a0a" ] || fail "no PNG written"
fi
echo "check_package: OK"
