#pragma once
// A GGUF file's metadata as a Hugging Face config (core/hub/hub_config.h):
// the architecture ("llama", "qwen2", "gpt2") and its sizes from the keys
// llama.cpp's converter writes, biases and a tied output from which tensors
// exist, Llama 3's rope scaling from the divisors of its rope_freqs.weight
// tensor. No LibTorch, so it is fuzzed with the container's reader.
#include "core/export/gguf_header.h"
#include "core/hub/hub_config.h"

namespace cradle {

// DataError naming the file and the key: an architecture not listed, a
// missing or mistyped key, a size above 2^24, heads that do not divide, or a
// config describing more values than the file's tensors hold, rope divisors
// that are not one positive float32 per rotary frequency.
inline const char* const kRopeFrequencyDivisors = "rope_freqs.weight";
HubModelConfig gguf_hub_config(const GgufFile& file);

}  // namespace cradle
