#pragma once
// How a Hugging Face model's tensors are named and laid out in a GGUF file,
// as llama.cpp's converter (convert_hf_to_gguf.py) writes them, both ways: the
// export (core/hub/hub_gguf_export.h) and reading a file back
// (core/hub/hub_gguf_import.h) share these tables. Two layouts differ from the
// Hub's: the Llama family's q and k rows are permuted from the rotate-half
// rotary layout to ggml's adjacent pairs (Qwen2 keeps rotate-half), and
// GPT-2's Conv1D weights are transposed to [out, in].
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/hub/hub_config.h"

namespace cradle {

// "token_embd.weight", "blk.3.attn_q.weight", ...; ConfigError for a name with no ggml counterpart.
std::string ggml_tensor_name(HubArchitecture architecture, const std::string& hub_name);

// The Hub's tensor as llama.cpp expects it under its ggml name, and back.
torch::Tensor to_ggml_layout(const HubModelConfig& config, const std::string& hub_name, torch::Tensor values);
torch::Tensor from_ggml_layout(const HubModelConfig& config, const std::string& hub_name, torch::Tensor values);
// The shape a Hub tensor of `shape` has in ggml's layout (PyTorch's order).
std::vector<std::int64_t> ggml_layout_shape(HubArchitecture architecture, const std::string& hub_name,
                                            std::vector<std::int64_t> shape);

// llama.cpp's permutation of a q or k projection's rows (or bias) for `heads`
// heads: each head's rotate-half halves interleaved into adjacent pairs; and its inverse.
torch::Tensor permute_for_ggml_rope(const torch::Tensor& weight, std::int64_t heads);
torch::Tensor unpermute_from_ggml_rope(const torch::Tensor& weight, std::int64_t heads);

}  // namespace cradle
