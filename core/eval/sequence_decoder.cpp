#include "core/eval/sequence_decoder.h"

#include "core/eval/hub_slot_decoder.h"
#include "core/eval/packed_gpt_decoder.h"
#include "core/eval/window_decoder.h"
#include "core/hub/pretrained_language_model.h"

namespace cradle {

std::unique_ptr<SequenceDecoder> make_sequence_decoder(std::shared_ptr<CausalLanguageModelImpl> model,
                                                       std::int64_t context_length, bool use_cache) {
  if (use_cache) return std::make_unique<HubSlotDecoder>(std::move(model), context_length);
  auto forward = [model](const torch::Tensor& ids) { return model->forward(ids); };
  return std::make_unique<WindowDecoder>(std::move(forward), model, context_length);
}

std::unique_ptr<SequenceDecoder> make_sequence_decoder(torch::nn::Sequential model, std::int64_t context_length,
                                                       bool use_cache) {
  if (auto pretrained = pretrained_language_model(model))
    return make_sequence_decoder(std::move(pretrained), context_length, use_cache);
  if (use_cache && PackedGptDecoder::supports(model)) return std::make_unique<PackedGptDecoder>(model, context_length);
  auto forward = [model](const torch::Tensor& ids) mutable { return model->forward(ids); };
  return std::make_unique<WindowDecoder>(std::move(forward), model.ptr(), context_length);
}

bool has_cached_decoder(const torch::nn::Sequential& model) {
  return PackedGptDecoder::supports(model) || pretrained_language_model(model) != nullptr;
}

}  // namespace cradle
