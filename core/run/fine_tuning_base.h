#pragma once
// What a fine-tuning stage (stage "sft") starts from: the pretrained run
// named by init_from, whose model, tokenizer and weights it keeps; or a
// Hugging Face model folder (stages "sft", "reward" and "dpo"), whose model is type
// "pretrained" and whose tokenizer is its tokenizer.json.
#include <filesystem>
#include <memory>

#include "core/experiment/experiment.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct FineTuningBase {
  Experiment pretrained;          // the run's frozen experiment
  std::filesystem::path weights;  // its final weights (or newest checkpoint); empty for a model folder
  std::shared_ptr<const Tokenizer> tokenizer;
};

// IoError when init_from is not a run folder or has no weights; ConfigError
// when it is not a language model or its context length differs (for a model
// folder, or a run tuned from one: exceeds its positions); DataError when a folder's tokenizer has
// more tokens than its embedding.
FineTuningBase load_fine_tuning_base(const Experiment& fine_tuning);

}  // namespace cradle
