#pragma once
// One vector per text from its per-token states [B, T, C] -> [B, C], leaving
// padding out: "mean" or "max" over the tokens, or "last": the state at the
// last token; for a bidirectional recurrent stack "last" joins the forward
// direction's state at the last token with the backward direction's at the
// first (each direction's final state).
#include <torch/nn.h>

#include <memory>
#include <string>

#include "core/models/padding_mask.h"

namespace cradle {

class SequencePoolingImpl : public torch::nn::Module {
 public:
  SequencePoolingImpl(std::string mode, bool bidirectional, std::shared_ptr<const PaddingContext> context);
  torch::Tensor forward(const torch::Tensor& states);

 private:
  std::string mode_;
  bool bidirectional_;
  std::shared_ptr<const PaddingContext> context_;
};
TORCH_MODULE(SequencePooling);

}  // namespace cradle
