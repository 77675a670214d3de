#pragma once
// Texts of a classification batch arrive padded with <pad> (id 0) to the
// context length. TrimPadding, a text classifier's first layer, cuts the batch
// to its longest text and records which positions hold tokens; the layers after
// it (attention, packed recurrent stacks, pooling) read that record so padding
// never changes a prediction. A Sequential carries one tensor from layer to
// layer, so the mask travels beside it in a PaddingContext the layers share.
#include <torch/nn.h>

#include <memory>

namespace cradle {

struct PaddingContext {
  torch::Tensor mask;     // [B, T] bool: true where a token is
  torch::Tensor lengths;  // [B] int64 on the CPU: tokens per text (at least 1)

  // The mask when it describes `x` ([B, T, ...]); undefined otherwise (no padding known).
  torch::Tensor mask_for(const torch::Tensor& x) const;
  torch::Tensor lengths_for(const torch::Tensor& x) const;
};

class TrimPaddingImpl : public torch::nn::Module {
 public:
  explicit TrimPaddingImpl(std::shared_ptr<PaddingContext> context);
  torch::Tensor forward(const torch::Tensor& ids);  // [B, T] -> [B, longest]

 private:
  std::shared_ptr<PaddingContext> context_;
};
TORCH_MODULE(TrimPadding);

}  // namespace cradle
