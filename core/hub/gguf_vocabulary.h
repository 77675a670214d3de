#pragma once
// A Hugging Face tokenizer as llama.cpp reads it from GGUF metadata
// (tokenizer.ggml.*; the keys as gguf-py writes them): every token by id,
// padded with unused "[PADn]" tokens to the embedding's rows (llama.cpp wants
// one token per row), each token's type, and how to tokenize: byte-level BPE
// is model "gpt2" with its merges and a pre-tokenizer llama.cpp knows by name
// ("gpt2", "llama-bpe", "qwen2", "smollm"); sentencepiece-style BPE with byte
// fallback is model "llama", which merges by score: a token's score is minus
// the rank of the merge that makes it, so llama.cpp merges in the same order
// as the merges list. Special-token ids, whether a text starts with
// bos, and the chat template go along.
#include <cstdint>

#include "core/export/gguf_writer.h"
#include "core/hub/gguf_tokenizer_names.h"
#include "core/hub/hub_tokenizer.h"

namespace cradle {

// Sets tokenizer.ggml.* and tokenizer.chat_template on `writer`. ConfigError
// naming tokenizer.json's field for a pre-tokenizer llama.cpp has no name for.
void add_gguf_vocabulary(GgufWriter& writer, const HubTokenizer& tokenizer, std::int64_t embedding_rows);

}  // namespace cradle
