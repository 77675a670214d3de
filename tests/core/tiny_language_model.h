#pragma once
// A tiny language model of Cradle's own with random weights, for the
// generation tests: 2 blocks of width 32 with 4 heads (a GPT), or the same
// sizes for a recurrent model, and dropout on, which generation must switch off.
#include <torch/nn.h>

#include <cstdint>
#include <string>

#include "core/models/model_factory.h"

namespace cradle::test {

inline torch::nn::Sequential tiny_language_model(const std::string& type, std::int64_t context, std::int64_t vocab,
                                                 std::uint64_t seed, const std::string& position = "learned") {
  torch::manual_seed(seed);
  ModelSpec spec;
  spec.type = type;
  spec.layers = 2;
  spec.width = 32;
  spec.heads = 4;
  spec.position = position;
  spec.dropout = 0.1;
  return build_model(spec, {context}, vocab, {});
}

}  // namespace cradle::test
