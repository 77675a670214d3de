#pragma once
// The reward model of the alignment recipe: the GPT's trunk (its embedding,
// blocks and final norm, copied from a pretrained or fine-tuned run) and a
// scalar head read at the last token of each text: input [B, T] token ids
// right-padded with <pad>, output [B, 1] rewards.
#include <torch/nn.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/model_spec.h"

namespace cradle {

torch::nn::Sequential build_reward_model(const ModelSpec& gpt, std::int64_t context, std::int64_t vocab_size);

// Copies every parameter and buffer of `to` that `from` has under the same
// name and shape; returns the names it could not fill (a new head, say).
std::vector<std::string> copy_matching_weights(const torch::nn::Module& from, torch::nn::Module& to);

}  // namespace cradle
