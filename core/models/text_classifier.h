#pragma once
// Text classifiers: input [B, T] int64 token ids padded with <pad>, output
// [B, classes] logits.
//  - recurrent (lstm | gru | rnn): token embedding, the recurrent stack
//    (optionally bidirectional) run over each text's own length, pooling, a
//    linear layer;
//  - encoder: a transformer encoder (the GPT's blocks without the causal mask,
//    padding masked out of attention), final LayerNorm, pooling, a linear layer.
#include <torch/nn.h>

#include <cstdint>

#include "core/experiment/model_spec.h"

namespace cradle {

torch::nn::Sequential build_text_classifier(const ModelSpec& spec, std::int64_t context_length, std::int64_t vocab_size,
                                            std::int64_t num_classes);

}  // namespace cradle
