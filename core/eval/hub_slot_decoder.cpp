#include "core/eval/hub_slot_decoder.h"

#include <torch/torch.h>

#include <stdexcept>
#include <string>

#include "core/models/evaluation_mode.h"

namespace cradle {

HubSlotDecoder::HubSlotDecoder(std::shared_ptr<CausalLanguageModelImpl> model, std::int64_t capacity)
    : model_(std::move(model)), capacity_(capacity) {}

std::int64_t HubSlotDecoder::slot_length(int slot) const {
  const Slot& s = slots_.at(slot);
  return s.cache ? s.cache->length() : 0;
}

torch::Tensor HubSlotDecoder::feed(const std::vector<SlotFeed>& feeds) {
  if (feeds.empty()) throw std::logic_error("HubSlotDecoder::feed: nothing to feed");
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(*model_);
  const torch::Device device = model_device(*model_);
  std::vector<torch::Tensor> logits;
  for (const auto& f : feeds) {
    Slot& slot = slots_.at(f.slot);
    if (!slot.cache) slot.cache.emplace(model_->new_cache(capacity_));
    if (slot.cache->length() + static_cast<std::int64_t>(f.tokens.size()) > capacity_)
      throw std::logic_error("HubSlotDecoder::feed: slot " + std::to_string(f.slot) + " would pass the context of " +
                             std::to_string(capacity_) + " positions");
    const auto ids = torch::tensor(f.tokens, torch::kInt64).view({1, -1}).to(device);
    logits.push_back(model_->forward_cached(ids, *slot.cache)[0][-1].to(torch::kFloat32).cpu());
  }
  return torch::stack(logits);
}

}  // namespace cradle
