#include "core/hub/hub_model.h"

#include "core/common/error.h"
#include "core/common/shape_text.h"
#include "core/hub/hub_checkpoint.h"
#include "core/hub/image_backbone.h"
#include "core/models/gpt2.h"
#include "core/models/llama.h"

namespace cradle {
namespace {

bool ends_with(const std::string& name, const std::string& suffix) {
  return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Tensors a checkpoint may hold that the architecture computes instead: the
// Llama family's rotary frequencies, GPT-2's causal masks.
bool computed_buffer(const std::string& name, HubArchitecture architecture) {
  if (architecture == HubArchitecture::Gpt2)
    return ends_with(name, ".attn.bias") || ends_with(name, ".attn.masked_bias");
  return ends_with(name, "rotary_emb.inv_freq");
}

// GPT2Model's files name tensors without the "transformer." that GPT2LMHeadModel's carry.
void add_gpt2_prefix(std::map<std::string, torch::Tensor>& tensors) {
  if (tensors.count("transformer.wte.weight") || !tensors.count("wte.weight")) return;
  std::map<std::string, torch::Tensor> prefixed;
  for (auto& [name, tensor] : tensors)
    prefixed.emplace(name.rfind("lm_head.", 0) == 0 ? name : "transformer." + name, std::move(tensor));
  tensors = std::move(prefixed);
}

}  // namespace

std::shared_ptr<CausalLanguageModelImpl> build_hub_architecture(const HubModelConfig& config) {
  switch (config.architecture) {
    case HubArchitecture::Llama:
    case HubArchitecture::Mistral:
    case HubArchitecture::Qwen2: return LlamaForCausalLM(config).ptr();
    case HubArchitecture::Gpt2: return Gpt2LMHeadModel(config).ptr();
  }
  throw ConfigError("unknown architecture");
}

HubModel load_hub_model(const std::filesystem::path& folder) {
  HubModel hub;
  hub.folder = folder;
  hub.config = load_hub_config(folder);
  HubWeights weights = load_hub_weights(folder);
  hub.stored_dtype = weights.stored_dtype;
  hub.weight_files = static_cast<std::int64_t>(weights.files.size());
  const std::string where = folder.string() + ": ";
  hub.model = build_hub_architecture(hub.config);
  if (hub.config.architecture == HubArchitecture::Gpt2) add_gpt2_prefix(weights.tensors);
  torch::NoGradGuard no_grad;
  for (auto& item : hub.model->named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor& parameter = item.value();
    const auto found = weights.tensors.find(name);
    if (found == weights.tensors.end())
      throw DataError(where + "no tensor " + name + " " + shape_text(parameter.sizes()) + ", which " +
                      to_string(hub.config.architecture) + " with this config.json needs");
    if (found->second.sizes() != parameter.sizes())
      throw DataError(where + "tensor " + name + " is " + shape_text(found->second.sizes()) +
                      "; config.json makes it " + shape_text(parameter.sizes()));
    parameter.copy_(found->second);
    weights.tensors.erase(found);
  }
  // A tied model's file may still hold the output matrix (the embedding's copy).
  if (hub.config.tie_word_embeddings) weights.tensors.erase("lm_head.weight");
  for (const auto& [name, tensor] : weights.tensors)
    if (!computed_buffer(name, hub.config.architecture))
      throw DataError(where + "tensor " + name + " " + shape_text(tensor.sizes()) + " has no place in " +
                      to_string(hub.config.architecture) + " as config.json describes it");
  hub.model->eval();
  return hub;
}

bool is_hub_model_folder(const std::filesystem::path& folder) {
  return std::filesystem::is_regular_file(folder / "config.json") && !is_image_backbone_folder(folder) &&
         (std::filesystem::is_regular_file(folder / "model.safetensors") ||
          std::filesystem::is_regular_file(folder / "model.safetensors.index.json"));
}

}  // namespace cradle
