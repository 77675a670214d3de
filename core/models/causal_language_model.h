#pragma once
// What every decoder-only language model read from a Hugging Face folder
// offers the rest of Cradle: token ids in, next-token logits out. Each
// architecture (core/models/llama.h, core/models/gpt2.h) keeps the Hub's own
// module names, so its checkpoint loads by name (core/hub/hub_model.h).
#include <torch/torch.h>

#include "core/hub/hub_config.h"

namespace cradle {

class CausalLanguageModelImpl : public torch::nn::Module {
 public:
  // Token ids [B, T] (T at most the config's context) → logits [B, T, vocab].
  virtual torch::Tensor forward(const torch::Tensor& input_ids) = 0;
  const HubModelConfig& config() const { return config_; }

 protected:
  explicit CausalLanguageModelImpl(HubModelConfig config) : config_(std::move(config)) {}
  void check_input(const torch::Tensor& input_ids) const;  // TORCH_CHECK naming the architecture

 private:
  HubModelConfig config_;
};

}  // namespace cradle
