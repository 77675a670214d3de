// The independent reference for Cradle's tokenizer.json reader
// (core/hub/hub_tokenizer.h): the Hub's own JavaScript tokenizers
// (@huggingface/tokenizers) and, for GPT-2's real vocabulary, the gpt-3-encoder
// package, both installed from the npm registry by scripts/install-deps.sh.
//
//   node hub_tokenizer_reference.mjs NPM_ROOT hf TOKENIZER_JSON TOKENIZER_CONFIG_JSON TEXTS_JSONL
//   node hub_tokenizer_reference.mjs NPM_ROOT gpt2 TEXTS_JSONL
//
// TEXTS_JSONL holds one JSON string per line. Prints one JSON object per text:
// {"ids": [...], "with_special": [...], "decoded": "..."} (hf) or {"ids": [...]}
// (gpt2). Decoding skips special tokens and does not tidy spaces, as Cradle's.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [npmRoot, mode, ...files] = process.argv.slice(2);
const require = createRequire(path.join(npmRoot, "package.json"));
const readTexts = (file) =>
  readFileSync(file, "utf8").split("\n").filter((line) => line.length > 0).map((line) => JSON.parse(line));

if (mode === "gpt2") {
  const { encode } = require("gpt-3-encoder");
  for (const text of readTexts(files[0])) console.log(JSON.stringify({ ids: encode(text) }));
} else if (mode === "hf") {
  const { Tokenizer } = require("@huggingface/tokenizers");
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(files[0], "utf8")), JSON.parse(readFileSync(files[1], "utf8")));
  for (const text of readTexts(files[2])) {
    const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
    const withSpecial = tokenizer.encode(text, { add_special_tokens: true }).ids;
    // (the package refuses to decode no ids)
    const decoded =
      ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
    console.log(JSON.stringify({ ids, with_special: withSpecial, decoded }));
  }
} else {
  console.error(`unknown mode ${mode}: hf or gpt2`);
  process.exit(2);
}
