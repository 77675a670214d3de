#pragma once
// A finished (or stopped) run's weights, by the names people use for them,
// and its language model ready to generate from.
#include <torch/nn.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/experiment/experiment.h"
#include "core/text/tokenizer.h"

namespace cradle {

// The weights file a checkpoint choice names in a run folder: "last"
// (model/model.pt, else the newest checkpoint of an unfinished run), "best"
// (checkpoints/best.pt), or a file (absolute, or relative to the working
// folder or to the run). IoError naming what is missing.
std::filesystem::path resolve_checkpoint(const std::filesystem::path& run_dir, const std::string& checkpoint);

// Loads a checkpoint archive (epoch-*.pt, best.pt, stopped.pt) or bare weights
// (model.pt: float32, or the int8 weights of a quantised run, dequantised)
// into `model`; DataError when they were saved for another model.
void load_weights_file(const std::filesystem::path& file, torch::nn::Module& model);

struct RunLanguageModel {
  Experiment experiment;
  torch::nn::Sequential model{nullptr};
  std::shared_ptr<const Tokenizer> tokenizer;
  std::filesystem::path weights;
};

// A language-model run's model (on the experiment's device, in evaluation
// mode) and tokenizer; ConfigError for a run of another task.
RunLanguageModel load_run_language_model(const std::filesystem::path& run_dir, const std::string& checkpoint = "last");

// What a run tuned from a Hugging Face model folder would say of its model: an
// experiment of task language_model with model type "pretrained" naming the
// folder (absolute) and the folder's context (config.json only; ConfigError naming it).
Experiment model_folder_experiment(const std::filesystem::path& folder);
// The folder's language model (float32, in evaluation mode) and tokenizer with
// model_folder_experiment(folder), so generation and the chat format treat it
// as a run tuned from it would be (no weights file). DataError when the tokenizer
// has more tokens than the embedding has rows.
RunLanguageModel load_model_folder_language_model(const std::filesystem::path& folder);

}  // namespace cradle
