#pragma once
// The tokenizer a GGUF file carries (tokenizer.ggml.*, as gguf-py writes it
// and core/hub/gguf_vocabulary.h exports it) read back as a Hugging Face
// tokenizer, by rebuilding the tokenizer.json and tokenizer_config.json that
// say the same thing and parsing them (core/hub/hub_tokenizer.h):
// - model "gpt2" is byte-level BPE: its merges as listed, the word pattern of
//   the pre-tokenizer llama.cpp names ("gpt2", "llama-bpe", "qwen2", "smollm");
// - model "llama" is sentencepiece-style BPE with byte fallback, which
//   llama.cpp merges by score: the merges are rebuilt as transformers rebuilds
//   them from a sentencepiece model (every split of a token into two tokens,
//   ordered by the joined token's score), so the pair llama.cpp would join
//   first is the first merge;
// control, user-defined and unknown tokens become added tokens, unused
// padding rows ("[PADn]") no token at all; add_bos_token / add_eos_token
// become the post-processor, the special ids and tokenizer.chat_template the
// tokenizer_config.json.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/export/gguf_header.h"
#include "core/hub/hub_tokenizer.h"

namespace cradle {

// DataError naming the file and key: no tokenizer.ggml.tokens, a model other
// than "gpt2" and "llama", a pre-tokenizer name Cradle has no pattern for, a
// token type, score or merge that does not fit the tokens, a special id past them.
std::unique_ptr<HubTokenizer> gguf_tokenizer(const GgufFile& file);

// The ids that end a text: the metadata's eos, end-of-turn and end-of-message
// ids (tokenizer.ggml.eos_token_id, eot_token_id, eom_token_id), each once.
std::vector<std::int64_t> gguf_end_of_text_ids(const GgufFile& file);

}  // namespace cradle
