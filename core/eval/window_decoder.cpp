#include "core/eval/window_decoder.h"

#include <torch/torch.h>

#include <stdexcept>
#include <string>

#include "core/models/evaluation_mode.h"

namespace cradle {

WindowDecoder::WindowDecoder(Forward forward, std::shared_ptr<torch::nn::Module> module, std::int64_t capacity)
    : forward_(std::move(forward)), module_(std::move(module)), capacity_(capacity) {}

torch::Tensor WindowDecoder::feed(const std::vector<SlotFeed>& feeds) {
  if (feeds.empty()) throw std::logic_error("WindowDecoder::feed: nothing to feed");
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(*module_);
  const torch::Device device = model_device(*module_);
  std::vector<torch::Tensor> logits;
  for (const auto& f : feeds) {
    Slot& slot = slots_.at(f.slot);
    if (static_cast<std::int64_t>(slot.tokens.size() + f.tokens.size()) > capacity_)
      throw std::logic_error("WindowDecoder::feed: slot " + std::to_string(f.slot) + " would pass the context of " +
                             std::to_string(capacity_) + " positions");
    slot.tokens.insert(slot.tokens.end(), f.tokens.begin(), f.tokens.end());
    const auto window = torch::tensor(slot.tokens, torch::kInt64).view({1, -1}).to(device);
    logits.push_back(forward_(window).select(1, -1).view({-1}).to(torch::kFloat32).cpu());
  }
  return torch::stack(logits);
}

}  // namespace cradle
