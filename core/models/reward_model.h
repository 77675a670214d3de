#pragma once
// The reward model of the alignment recipe: a language model's trunk (a
// GPT's embedding, blocks and final norm, copied from a pretrained or
// fine-tuned run; or a Hugging Face architecture's layers) and a scalar head
// read at the last token of each text: input [B, T] token ids right-padded
// (reward_padding_id), output [B, 1] rewards.
#include <torch/nn.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/model_spec.h"

namespace cradle {

// On a GPT's trunk, or (model type "pretrained") on the folder's architecture
// (core/hub/hub_reward_model.h); the head is new either way.
torch::nn::Sequential build_reward_model(const ModelSpec& model, std::int64_t context, std::int64_t vocab_size);

// What right-pads the rows a reward model reads: <pad> for a GPT, whose trunk
// trims it; kNoToken for a Hugging Face model, every id of whose vocabulary is a token.
std::int64_t reward_padding_id(const ModelSpec& model);

// Copies every parameter and buffer of `to` that `from` has under the same
// name and shape; returns the names it could not fill (a new head, say).
std::vector<std::string> copy_matching_weights(const torch::nn::Module& from, torch::nn::Module& to);

}  // namespace cradle
