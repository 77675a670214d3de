#include "core/models/padding_mask.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/text/tokenizer.h"

namespace cradle {

namespace {
bool describes(const torch::Tensor& mask, const torch::Tensor& x) {
  return mask.defined() && x.dim() >= 2 && mask.size(0) == x.size(0) && mask.size(1) == x.size(1);
}
}  // namespace

torch::Tensor PaddingContext::mask_for(const torch::Tensor& x) const {
  return describes(mask, x) ? mask.to(x.device()) : torch::Tensor();
}

torch::Tensor PaddingContext::lengths_for(const torch::Tensor& x) const {
  return describes(mask, x) ? lengths : torch::Tensor();
}

TrimPaddingImpl::TrimPaddingImpl(std::shared_ptr<PaddingContext> context) : context_(std::move(context)) {}

torch::Tensor TrimPaddingImpl::forward(const torch::Tensor& ids) {
  // Texts are left-aligned: tokens first, then padding. An empty text keeps one
  // (padding) position so every row has something to pool.
  const auto lengths = ids.ne(kPadId).sum(1).clamp_min(1).to(torch::kCPU);
  const std::int64_t longest = std::max<std::int64_t>(1, lengths.max().item<std::int64_t>());
  const auto trimmed = ids.narrow(1, 0, std::min(longest, ids.size(1)));
  context_->lengths = lengths;
  context_->mask = torch::arange(trimmed.size(1), ids.options()).unsqueeze(0).lt(lengths.to(ids.device()).unsqueeze(1));
  return trimmed;
}

}  // namespace cradle
