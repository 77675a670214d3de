#!/usr/bin/env bash
# Language-model training memory and speed, memory-mapped token corpus against
# the in-memory text path, on the fortunes-gpt sample's model:
#   1. `cradle-cli data tokenize` writes the sample's text as a token corpus;
#      the corpus's training split is then repeated to 64, 256 and 1024 MB of
#      token ids (real token statistics, any size);
#   2. memory: STEPS optimizer steps on each mapped corpus, and on the text
#      path with the fortunes text repeated 1, 4 and 16 times (no
#      de-duplication, so the copies stay). Peak private (anonymous) memory is
#      what must stay flat; mapped-file pages are the kernel's page cache,
#      dropped under memory pressure and counted apart;
#   3. speed: tokens per second on the small corpus, text in memory against
#      the same text tokenised and mapped, REPEATS times interleaved; medians.
# Usage: bench/token_corpus.sh [STEPS (default 100)] [REPEATS (default 3)]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/processor.sh
steps=${1:-100}
repeats=${2:-3}
scripts/build.sh --target cradle-cli --target cradle-bench-tokens >/dev/null
cli=build/app/cradle-cli
bench=build/bench/cradle-bench-tokens
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CRADLE_CACHE_DIR=$work/cache  # the text path starts from its own cache each time the bench runs
sample=projects/fortunes-gpt/experiment.json

$cli data tokenize "$sample" --out "$work/corpus" | tail -2
for mb in 64 256 1024; do $bench tile "$work/corpus" "$work/corpus-$mb" "$mb" >/dev/null; done

# The fortunes files (as the sample reads them) concatenated, repeated N times.
text_copies() {
  local n=$1 file=$work/text-x$1.txt
  for ((i = 0; i < n; i++)); do
    for f in /usr/share/games/fortunes/*; do
      case $f in *.dat | *.u8 | */chinese | */tang300 | */song100) continue ;; esac
      [ -f "$f" ] && { cat "$f"; printf '\n%%\n'; }
    done
  done >"$file"
  echo "$file"
}

# An experiment reading a corpus folder: the sample's model and training, data.source "tokens".
tokens_experiment() {
  python3 - "$sample" "$1" "$2" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e["data"] = {"source": "tokens", "folder": sys.argv[2], "context_length": e["data"]["context_length"],
             "validation_fraction": e["data"]["validation_fraction"]}
json.dump(e, open(sys.argv[3], "w"), indent=2)
PY
}

results=$work/results.jsonl
echo "memory: $steps steps each"
for name in corpus corpus-64 corpus-256 corpus-1024; do
  tokens_experiment "$work/$name" "$work/$name.json"
  mb=$(du -m "$work/$name/train.tokens" | cut -f1)
  $bench train "$work/$name.json" "$steps" train.log_every=10 |
    python3 -c "import json,sys; l=json.loads(sys.stdin.read()); l['label']='mapped, train split $mb MB of ids'; print(json.dumps(l))" >>"$results"
  tail -1 "$results"
done
for copies in 1 4 16; do
  text=$(text_copies "$copies")
  mb=$(du -m "$text" | cut -f1)
  $bench train "$sample" "$steps" train.log_every=10 "data.paths=[\"$text\"]" 'data.include=["*"]' 'data.exclude=[]' 'data.steps=[]' |
    python3 -c "import json,sys; l=json.loads(sys.stdin.read()); l['label']='in memory, $mb MB of text'; print(json.dumps(l))" >>"$results"
  tail -1 "$results"
done

echo "speed: the sample's text in memory against the same text mapped, $repeats times"
for ((r = 0; r < repeats; r++)); do
  $bench train "$sample" "$steps" train.log_every=10 |
    python3 -c "import json,sys; l=json.loads(sys.stdin.read()); l['label']='speed, in memory'; print(json.dumps(l))" >>"$results"
  $bench train "$work/corpus.json" "$steps" train.log_every=10 |
    python3 -c "import json,sys; l=json.loads(sys.stdin.read()); l['label']='speed, mapped'; print(json.dumps(l))" >>"$results"
  tail -2 "$results"
done

python3 - "$results" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
print(f"\n{'configuration':36} {'private MB':>10} {'mapped-file MB':>14} {'peak RSS MB':>11} {'tokens/s':>9}")
for l in lines:
    if not l["label"].startswith("speed"):
        print(f"{l['label']:36} {l['peak_anon_mb']:10.1f} {l['peak_file_mb']:14.1f} {l['peak_rss_mb']:11.1f} {l['tokens_per_s']:9.0f}")
print(f"model + gradients + AdamW moments: {lines[0]['model_optimizer_mb']:.1f} MB")
for kind in ("in memory", "mapped"):
    rates = [l["tokens_per_s"] for l in lines if l["label"] == "speed, " + kind]
    print(f"tokens/s, {kind:9}: median {statistics.median(rates):.0f} of {', '.join(f'{r:.0f}' for r in rates)}")
PY
