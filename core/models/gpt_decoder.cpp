#include "core/models/gpt_decoder.h"

#include <torch/torch.h>

#include <stdexcept>

namespace cradle {

bool GptDecoder::supports(const torch::nn::Sequential& model) {
  if (model->size() < 3 || !model->ptr(0)->as<TokenEmbeddingImpl>()) return false;
  // Blocks up to the final norm and the logits.
  for (std::size_t i = 1; i + 2 < model->size(); ++i)
    if (!model->ptr(i)->as<TransformerBlockImpl>()) return false;
  return true;
}

GptDecoder::GptDecoder(torch::nn::Sequential model, std::int64_t capacity)
    : model_(std::move(model)), capacity_(capacity) {
  if (!supports(model_)) throw std::logic_error("GptDecoder: not a GPT built by build_gpt");
  embedding_ = std::dynamic_pointer_cast<TokenEmbeddingImpl>(model_->ptr(0));
  for (std::size_t i = 1; i + 2 < model_->size(); ++i)
    blocks_.push_back(std::dynamic_pointer_cast<TransformerBlockImpl>(model_->ptr(i)));
  caches_.resize(blocks_.size());
  const auto parameters = model_->parameters();
  if (!parameters.empty()) device_ = parameters.front().device();
}

void GptDecoder::reset() {
  length_ = 0;
  for (auto& cache : caches_) cache.length = 0;  // the buffers stay allocated
}

torch::Tensor GptDecoder::feed(const std::vector<std::int64_t>& tokens) {
  if (tokens.empty()) throw std::logic_error("GptDecoder::feed: no tokens");
  const auto count = static_cast<std::int64_t>(tokens.size());
  if (length_ + count > capacity_) throw std::logic_error("GptDecoder::feed: past the context length");
  torch::NoGradGuard no_grad;
  const auto ids = torch::tensor(tokens, torch::kInt64).view({1, count}).to(device_);
  auto x = embedding_->forward_at(ids, length_);
  for (std::size_t i = 0; i < blocks_.size(); ++i) x = blocks_[i]->forward_cached(x, caches_[i], capacity_);
  length_ += count;
  x = x.select(1, count - 1).unsqueeze(1);  // only the last position's logits are wanted
  auto tail = model_->begin() + static_cast<std::ptrdiff_t>(model_->size() - 2);
  x = tail->forward(x);        // final norm
  x = (tail + 1)->forward(x);  // logits
  return x.view({-1}).to(torch::kFloat32).cpu();
}

}  // namespace cradle
