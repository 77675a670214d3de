#pragma once
// The memory of a training step the wizard shows when an experiment tunes a
// Hugging Face model folder: the experiment's own choice (its batch and
// context, train.lora, train.gradient_checkpointing, the bfloat16 base where
// the processor computes it natively), beside full fine-tuning and LoRA with
// checkpointing for comparison (core/hub/fine_tuning_memory.h), and the
// machine's memory the wizard warns against.
#include <cstdint>
#include <filesystem>

#include "core/experiment/json_object_reader.h"
#include "core/hub/fine_tuning_memory.h"

namespace cradle {

struct ModelFolderMemory {
  HubModelConfig config;
  FineTuningMemoryOptions options;  // the experiment's
  FineTuningMemory chosen, full, lora_checkpointed;
  std::int64_t machine = 0;  // physical memory, bytes (0: unknown)
};

// From an experiment document being edited (its data.context_length, at most
// the folder's positions, and its train section). ConfigError naming the
// field when the train section does not parse.
ModelFolderMemory model_folder_memory(const HubModelConfig& config, const Json& document);

// The Hugging Face folder an experiment's init_from tunes: the folder itself,
// or the one a run named there was tuned from (model type "pretrained"),
// followed through the runs' own init_from over any number of stages (SFT,
// then DPO, then PPO). Empty when there is none or a run's experiment does
// not read: the wizard then shows the layer table instead.
std::filesystem::path hub_folder_behind(const std::filesystem::path& init_from);

}  // namespace cradle
