#include "core/run/run_weights.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/compress/int8_weights.h"
#include "core/hub/hub_model.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/pretrained_language_model.h"
#include "core/models/model_factory.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/run_folder.h"
#include "core/train/checkpoint.h"
#include "core/train/runtime.h"

namespace cradle {
namespace fs = std::filesystem;

fs::path resolve_checkpoint(const fs::path& run_dir, const std::string& checkpoint) {
  const RunFolder run{run_dir};
  if (checkpoint == "last") {
    if (fs::exists(run.model_file())) return run.model_file();
    fs::path newest;  // an unfinished run: its newest checkpoint
    fs::file_time_type newest_time{};
    if (fs::is_directory(run.checkpoint_dir()))
      for (const auto& entry : fs::directory_iterator(run.checkpoint_dir())) {
        if (entry.path().extension() != ".pt" || entry.path().filename() == "best.pt") continue;
        if (newest.empty() || entry.last_write_time() > newest_time) {
          newest = entry.path();
          newest_time = entry.last_write_time();
        }
      }
    if (newest.empty())
      throw IoError(run_dir.string() + ": no model/model.pt and no checkpoint; the run saved no weights yet");
    return newest;
  }
  if (checkpoint == "best") {
    const auto best = run.checkpoint_dir() / "best.pt";
    if (!fs::exists(best))
      throw IoError(best.string() + ": no such file; a run keeps its best epoch only when it has a validation split");
    return best;
  }
  if (checkpoint.empty()) throw ConfigError("checkpoint: empty; expected last, best or a file");
  fs::path file = checkpoint;
  if (!fs::exists(file) && fs::exists(run_dir / file)) file = run_dir / file;
  if (!fs::exists(file)) throw IoError(checkpoint + ": no such checkpoint file (expected last, best or a file)");
  return file;
}

void load_weights_file(const fs::path& file, torch::nn::Module& model) {
  if (file.filename() == "model.pt") {  // a quantised run's holds int8 weights
    if (is_int8_weights_file(file)) return load_int8_weights(file, model);
    return load_model_weights(file, model);
  }
  try {
    load_checkpoint(file, model, nullptr);
  } catch (const DataError& error) {
    if (std::string(error.what()).find("not a Cradle checkpoint") == std::string::npos) throw;
    load_model_weights(file, model);
  }
}

RunLanguageModel load_run_language_model(const fs::path& run_dir, const std::string& checkpoint) {
  const RunFolder run = open_run_folder(run_dir);
  RunLanguageModel loaded;
  loaded.experiment = load_experiment(run.experiment_file());
  const Experiment& e = loaded.experiment;
  if (e.task != Task::LanguageModel)
    throw ConfigError(run_dir.string() + ": a " + to_string(e.task) +
                      " run; text generation needs a language-model run");
  if (is_reward_modelling(e))
    throw ConfigError(run_dir.string() + ": a reward model scores replies; it does not generate text");
  configure_runtime(e.threads);
  loaded.tokenizer = load_tokenizer(run.tokenizer_file());
  loaded.weights = resolve_checkpoint(run_dir, checkpoint);
  loaded.model = build_model(e.model, {e.data.context_length}, loaded.tokenizer->vocab_size(), {});
  // A LoRA run's checkpoints hold its adapters apart; model.pt has them folded in.
  const bool adapters_apart = e.train.lora.enabled && loaded.weights.filename() != run.model_file().filename();
  if (adapters_apart) {
    TrainSpec in_float32 = e.train;  // folded in float32, whatever the base trained in
    in_float32.lora.base_dtype = "float32";
    prepare_pretrained_tuning(loaded.model, e.model, in_float32);
  }
  load_weights_file(loaded.weights, *loaded.model);
  if (adapters_apart) merge_adapters(*loaded.model);
  loaded.model->to(resolve_device(e.device));
  loaded.model->eval();
  return loaded;
}

Experiment model_folder_experiment(const fs::path& folder) {
  Experiment e;
  e.name = folder.filename().string();
  e.task = Task::LanguageModel;
  e.model.type = "pretrained";
  e.model.folder = fs::absolute(folder).lexically_normal().string();
  e.data.context_length = load_hub_config(folder).max_position_embeddings;
  return e;
}

RunLanguageModel load_model_folder_language_model(const fs::path& folder) {
  RunLanguageModel loaded;
  loaded.experiment = model_folder_experiment(folder);
  HubModel hub = load_hub_model(folder);
  auto tokenizer = HubTokenizer::load(folder);
  check_tokenizer_fits(*tokenizer, hub.config.vocab_size, folder);
  loaded.tokenizer = std::move(tokenizer);
  loaded.model = pretrained_sequential(hub);
  loaded.model->eval();
  return loaded;
}

}  // namespace cradle
