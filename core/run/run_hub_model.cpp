#include "core/run/run_hub_model.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"

namespace cradle {

HubModel load_run_hub_model(const std::filesystem::path& run_dir, const std::string& checkpoint) {
  const Experiment experiment = load_experiment(open_run_folder(run_dir).experiment_file());
  if (!experiment.model.is_pretrained())
    throw ConfigError(run_dir.string() + ": a run of a Cradle " + experiment.model.type +
                      " model; Hugging Face folders and GGUF files are written from a model folder or a run tuned "
                      "from one (export --format bundle writes this run)");
  RunLanguageModel loaded = load_run_language_model(run_dir, checkpoint);
  HubModel hub;
  hub.folder = experiment.model.folder;
  hub.model = pretrained_language_model(loaded.model);
  hub.model->to(torch::kCPU);
  hub.config = hub.model->config();
  hub.stored_dtype = "F32";
  hub.weight_files = 1;
  return hub;
}

}  // namespace cradle
