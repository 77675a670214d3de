#include "core/run/fine_tuning_base.h"

#include "core/common/error.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"

namespace cradle {

FineTuningBase load_fine_tuning_base(const Experiment& e) {
  const RunFolder base = open_run_folder(e.resolve(e.init_from));
  FineTuningBase loaded;
  loaded.pretrained = load_experiment(base.experiment_file());
  const Experiment& pretrained = loaded.pretrained;
  if (pretrained.task != Task::LanguageModel)
    throw ConfigError("init_from: " + base.root.string() + " is a " + to_string(pretrained.task) +
                      " run; fine-tuning starts from a language model");
  if (pretrained.stage == Stage::Reward && e.stage != Stage::Reward)
    throw ConfigError("init_from: " + base.root.string() + " is a reward model; stage \"" + to_string(e.stage) +
                      "\" starts from a language model (a pretrained, sft, dpo or ppo run)");
  if (e.data.context_length != pretrained.data.context_length)
    throw ConfigError("data.context_length: " + std::to_string(e.data.context_length) +
                      " differs from the pretrained run's " + std::to_string(pretrained.data.context_length) +
                      " (its model's positions); set it to " + std::to_string(pretrained.data.context_length));
  loaded.weights = resolve_checkpoint(base.root, "last");
  loaded.tokenizer = load_tokenizer(base.tokenizer_file());
  return loaded;
}

}  // namespace cradle
