#include "core/hub/hub_model.h"

#include "core/common/error.h"
#include "core/hub/hub_checkpoint.h"

namespace cradle {
namespace {

std::string tensor_shape_text(c10::IntArrayRef shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// Tensors a checkpoint may hold that the architecture computes instead.
bool computed_buffer(const std::string& name) {
  const std::string suffix = "rotary_emb.inv_freq";
  return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

HubModel load_hub_model(const std::filesystem::path& folder) {
  HubModel hub;
  hub.folder = folder;
  hub.config = load_hub_config(folder);
  HubWeights weights = load_hub_weights(folder);
  hub.stored_dtype = weights.stored_dtype;
  hub.weight_files = static_cast<std::int64_t>(weights.files.size());
  const std::string where = folder.string() + ": ";
  hub.model = LlamaForCausalLM(hub.config);
  torch::NoGradGuard no_grad;
  for (auto& item : hub.model->named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor& parameter = item.value();
    const auto found = weights.tensors.find(name);
    if (found == weights.tensors.end())
      throw DataError(where + "no tensor " + name + " " + tensor_shape_text(parameter.sizes()) + ", which " +
                      to_string(hub.config.architecture) + " with this config.json needs");
    if (found->second.sizes() != parameter.sizes())
      throw DataError(where + "tensor " + name + " is " + tensor_shape_text(found->second.sizes()) +
                      "; config.json makes it " + tensor_shape_text(parameter.sizes()));
    parameter.copy_(found->second);
    weights.tensors.erase(found);
  }
  // A tied model's file may still hold the output matrix (the embedding's copy).
  if (hub.config.tie_word_embeddings) weights.tensors.erase("lm_head.weight");
  for (const auto& [name, tensor] : weights.tensors)
    if (!computed_buffer(name))
      throw DataError(where + "tensor " + name + " " + tensor_shape_text(tensor.sizes()) + " has no place in " +
                      to_string(hub.config.architecture) + " as config.json describes it");
  hub.model->eval();
  return hub;
}

}  // namespace cradle
