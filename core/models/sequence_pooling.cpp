#include "core/models/sequence_pooling.h"

#include <torch/torch.h>

#include <limits>

namespace cradle {

SequencePoolingImpl::SequencePoolingImpl(std::string mode, bool bidirectional,
                                         std::shared_ptr<const PaddingContext> context)
    : mode_(std::move(mode)), bidirectional_(bidirectional), context_(std::move(context)) {}

torch::Tensor SequencePoolingImpl::forward(const torch::Tensor& states) {
  const std::int64_t batch = states.size(0), length = states.size(1);
  torch::Tensor mask = context_ ? context_->mask_for(states) : torch::Tensor();
  if (!mask.defined()) mask = torch::ones({batch, length}, states.options().dtype(torch::kBool));
  if (mode_ == "mean") {
    const auto weights = mask.unsqueeze(2).to(states.scalar_type());
    return (states * weights).sum(1) / weights.sum(1).clamp_min(1);
  }
  if (mode_ == "max")
    return states.masked_fill(mask.logical_not().unsqueeze(2), -std::numeric_limits<float>::infinity()).amax(1);
  // "last": the position of each text's last token.
  const auto last = (mask.sum(1) - 1).clamp_min(0);
  const auto gather_at = [&](const torch::Tensor& positions, const torch::Tensor& from) {
    const auto index = positions.view({batch, 1, 1}).expand({batch, 1, from.size(2)});
    return from.gather(1, index).squeeze(1);
  };
  if (!bidirectional_) return gather_at(last, states);
  const std::int64_t half = states.size(2) / 2;
  return torch::cat({gather_at(last, states.narrow(2, 0, half)), states.select(1, 0).narrow(1, half, half)}, 1);
}

}  // namespace cradle
