#pragma once
// Tiny Hugging Face model folders for tests: config.json with the Hub's real
// keys (a Llama-family model or GPT-2 of width 32, 2 layers, vocabulary 96)
// and random weights by the Hub's tensor names, written as model.safetensors
// or as two shards with model.safetensors.index.json.
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"
#include "core/export/safetensors.h"

namespace cradle::test {

Json tiny_config(const std::string& architecture, const std::string& model_type);
Json tiny_gpt2_config();

// Random weights of the shapes the config gives, by the Hub's names (norms near 1).
NamedTensors random_weights(const Json& config, std::uint64_t seed);

void write_folder(const std::filesystem::path& folder, const Json& config, const NamedTensors& tensors, bool sharded,
                  torch::ScalarType dtype = torch::kFloat32);

// The logits and greedy tokens of an independent Python reference (Debian's
// python3-torch) for token ids: /usr/bin/python3 tests/reference/<script>
// with `arguments`, printing {"logits": [[...]], "greedy": [...]} (greedy
// left empty by a script that prints none, such as gguf_reference.py).
struct ReferenceOutput {
  torch::Tensor logits;  // [T, vocab]
  std::vector<std::int64_t> greedy;
};
ReferenceOutput run_reference_script(const std::string& script, const std::vector<std::string>& arguments);
std::string comma_joined(const std::vector<std::int64_t>& ids);

// A tokenizer.json's added token.
Json tiny_added_token(std::int64_t id, const std::string& content, bool special);
// A byte-level BPE tokenizer.json: GPT-2's byte alphabet and three merges (Ġt,
// he, Ġthe), ids 256..258; added tokens <|endoftext|>, <|im_start|>,
// <|im_end|> (special) and <tool> at 300..303.
Json tiny_byte_level_tokenizer(const Json& pre_tokenizer);
// The ByteLevel pre-tokenizer (with GPT-2's word pattern when use_regex).
Json tiny_byte_level(bool use_regex);
// ChatML, as Qwen2 and SmolLM2's instruct models write it.
extern const char* const kTinyChatMl;

constexpr std::int64_t kTinyImEnd = 302;  // <|im_end|> in tiny_byte_level_tokenizer
// A tiny Llama folder (vocabulary 320) that chats in `chat_template` (none
// when empty), its turns ending at <|im_end|>.
void write_tiny_chat_model_folder(const std::filesystem::path& folder, const std::string& chat_template = kTinyChatMl);

}  // namespace cradle::test
