#include "core/models/reward_model.h"

#include <torch/torch.h>

#include <stdexcept>

#include "core/hub/hub_reward_model.h"
#include "core/models/gpt.h"
#include "core/models/padding_mask.h"
#include "core/models/sequence_pooling.h"
#include "core/text/tokenizer.h"

namespace cradle {

std::int64_t reward_padding_id(const ModelSpec& model) { return model.is_pretrained() ? kNoToken : kPadId; }

torch::nn::Sequential build_reward_model(const ModelSpec& spec, std::int64_t context, std::int64_t vocab_size) {
  if (spec.is_pretrained()) return load_hub_reward_sequential(spec.folder);  // its config decides the shapes
  if (spec.type != "gpt") throw std::invalid_argument("build_reward_model: needs a gpt model, got " + spec.type);
  const bool rotary = spec.position == "rotary";
  auto padding = std::make_shared<PaddingContext>();
  torch::nn::Sequential net;
  // Layer names as build_gpt's, so a language model's weights load by name.
  net->push_back("trim", TrimPadding(padding));
  net->push_back("embedding",
                 std::make_shared<TokenEmbeddingImpl>(vocab_size, spec.width, context, !rotary, spec.dropout));
  for (std::int64_t i = 0; i < spec.layers; ++i)
    net->push_back("block" + std::to_string(i + 1),
                   std::make_shared<TransformerBlockImpl>(spec.width, spec.heads, spec.dropout, rotary));
  net->push_back("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({spec.width})));
  net->push_back("pool", SequencePooling("last", false, padding));
  net->push_back("reward_head", torch::nn::Linear(spec.width, 1));
  initialize_transformer(*net, spec.layers);
  return net;
}

std::vector<std::string> copy_matching_weights(const torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  const auto source_parameters = from.named_parameters(), source_buffers = from.named_buffers();
  std::vector<std::string> missing;
  const auto copy = [&](const torch::OrderedDict<std::string, torch::Tensor>& source,
                        torch::OrderedDict<std::string, torch::Tensor> target) {
    for (auto& item : target) {
      const torch::Tensor* found = source.find(item.key());
      if (found && found->sizes() == item.value().sizes())
        item.value().copy_(*found);
      else
        missing.push_back(item.key());
    }
  };
  copy(source_parameters, to.named_parameters());
  copy(source_buffers, to.named_buffers());
  return missing;
}

}  // namespace cradle
