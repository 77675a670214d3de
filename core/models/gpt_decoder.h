#pragma once
// Incremental decoding of a GPT (core/models/gpt.h) for generation: each
// attention layer keeps the keys and values of the positions it has seen
// (the key/value cache), so a new token costs one position's work instead of
// the whole context's. Inference only: dropout is not applied.
#include <torch/nn.h>

#include <cstdint>
#include <vector>

#include "core/models/gpt.h"

namespace cradle {

class GptDecoder {
 public:
  // True when `model` is laid out as build_gpt makes it: embedding, blocks, final norm, logits.
  static bool supports(const torch::nn::Sequential& model);

  // `capacity`: the most positions the cache holds (the model's context length).
  GptDecoder(torch::nn::Sequential model, std::int64_t capacity);

  // Feeds `tokens` (one sequence) after those already seen and returns the
  // logits [vocab] for the token after the last of them, in float32 on the CPU.
  // std::logic_error when the positions would pass the capacity.
  torch::Tensor feed(const std::vector<std::int64_t>& tokens);

  std::int64_t length() const { return length_; }
  std::int64_t capacity() const { return capacity_; }
  void reset();

 private:
  torch::nn::Sequential model_;
  std::int64_t capacity_;
  std::int64_t length_ = 0;
  std::shared_ptr<TokenEmbeddingImpl> embedding_;
  std::vector<std::shared_ptr<TransformerBlockImpl>> blocks_;
  std::vector<AttentionCache> caches_;
  torch::Device device_{torch::kCPU};
};

}  // namespace cradle
