#include "core/run/fine_tuning_base.h"

#include "core/common/error.h"
#include "core/hub/hub_model.h"
#include "core/hub/hub_tokenizer.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"

namespace cradle {

namespace {

// A model folder's positions bound the context, not the context it was tuned at before.
void check_context_fits(const Experiment& e, const std::filesystem::path& folder) {
  const HubModelConfig config = load_hub_config(folder);
  if (e.data.context_length > config.max_position_embeddings)
    throw ConfigError("data.context_length: " + std::to_string(e.data.context_length) + " is more than " +
                      folder.string() + "/config.json's max_position_embeddings " +
                      std::to_string(config.max_position_embeddings));
}

// A Hugging Face model folder: its architecture, weights and tokenizer are the folder's own.
FineTuningBase model_folder_base(const Experiment& e, const std::filesystem::path& folder) {
  const std::string where = folder.string();
  if (e.stage != Stage::Pretrain && e.stage != Stage::Sft && e.stage != Stage::Reward && e.stage != Stage::Dpo &&
      e.stage != Stage::Ppo)
    throw ConfigError("init_from: " + where +
                      " is a Hugging Face model folder; stages \"pretrain\" (continued), \"sft\", \"reward\", "
                      "\"dpo\" and \"ppo\" tune one, stage \"" +
                      to_string(e.stage) + "\" starts from a run (fine-tune the folder's model first)");
  check_context_fits(e, folder);
  const HubModelConfig config = load_hub_config(folder);
  FineTuningBase loaded;
  loaded.pretrained.task = Task::LanguageModel;
  loaded.pretrained.stage = Stage::Pretrain;
  loaded.pretrained.data.context_length = e.data.context_length;
  loaded.pretrained.model.type = "pretrained";
  loaded.pretrained.model.folder = std::filesystem::absolute(folder).lexically_normal().string();
  auto tokenizer = HubTokenizer::load(folder);
  if (tokenizer->vocab_size() > config.vocab_size)
    throw DataError(where + "/tokenizer.json: " + std::to_string(tokenizer->vocab_size()) +
                    " tokens, more than config.json's vocab_size " + std::to_string(config.vocab_size) +
                    " (the embedding's rows)");
  loaded.tokenizer = std::move(tokenizer);
  return loaded;  // no weights file: building model type "pretrained" reads the folder's
}

}  // namespace

FineTuningBase load_fine_tuning_base(const Experiment& e) {
  if (is_hub_model_folder(e.resolve(e.init_from))) return model_folder_base(e, e.resolve(e.init_from));
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
  if (pretrained.model.is_pretrained())
    check_context_fits(e, pretrained.model.folder);
  else if (e.data.context_length != pretrained.data.context_length)
    throw ConfigError("data.context_length: " + std::to_string(e.data.context_length) +
                      " differs from the pretrained run's " + std::to_string(pretrained.data.context_length) +
                      " (its model's positions); set it to " + std::to_string(pretrained.data.context_length));
  loaded.weights = resolve_checkpoint(base.root, "last");
  loaded.tokenizer = load_tokenizer(base.tokenizer_file());
  return loaded;
}

}  // namespace cradle
