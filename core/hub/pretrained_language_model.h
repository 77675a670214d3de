#pragma once
// A Hugging Face model folder's language model as a run holds it: one layer
// named "pretrained" of the torch::nn::Sequential every stage trains, so the
// trainer, checkpoints, run weights and inspection treat it as any other
// model, while generation finds the architecture inside and uses its
// key/value cache. Experiments name it as model type "pretrained" with the
// folder (core/experiment/model_spec.h).
#include <torch/nn.h>

#include <filesystem>
#include <memory>

#include "core/hub/hub_model.h"

namespace cradle {

// The folder's model (load_hub_model: float32, on the CPU) in a Sequential.
torch::nn::Sequential pretrained_sequential(const HubModel& hub);
torch::nn::Sequential load_pretrained_sequential(const std::filesystem::path& folder);

// The architecture inside a Sequential made above; null for any other model.
std::shared_ptr<CausalLanguageModelImpl> pretrained_language_model(const torch::nn::Sequential& model);

}  // namespace cradle
