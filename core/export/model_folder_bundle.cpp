#include "core/export/model_folder_bundle.h"

#include "core/export/image_backbone_bundle.h"
#include "core/hub/hub_model.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/image_backbone.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/run_weights.h"

namespace cradle {
namespace fs = std::filesystem;

ModelBundle open_model_folder_bundle(const fs::path& folder) {
  RunLanguageModel loaded = load_model_folder_language_model(folder);
  const HubModelConfig& config = pretrained_language_model(loaded.model)->config();
  const auto tokenizer = std::dynamic_pointer_cast<const HubTokenizer>(loaded.tokenizer);
  ModelBundle b;
  b.dir = loaded.experiment.model.folder;
  b.experiment = std::move(loaded.experiment);
  b.input.kind = "text";
  b.input.shape = {b.experiment.data.context_length};
  b.outputs = config.vocab_size;
  b.tokenizer = loaded.tokenizer;
  b.model = loaded.model;
  b.chat = tokenizer && !tokenizer->chat_template().empty();
  b.card_file = "README.md";
  b.manifest = Json{{"model_folder", b.dir.string()},
                    {"task", to_string(Task::LanguageModel)},
                    {"architecture", to_string(config.architecture)},
                    {"model_type", config.model_type},
                    {"parameters", config.parameters()},
                    {"outputs", b.outputs},
                    {"input", {{"kind", b.input.kind}, {"shape", b.input.shape}}},
                    {"chat_template", b.chat}};
  return b;
}

ModelBundle open_bundle_or_model_folder(const fs::path& path) {
  if (is_image_backbone_folder(path)) return open_image_backbone_bundle(path);
  // A folder with config.json and no bundle.json is meant as a model folder: its loader names what is missing.
  const bool model_folder =
      is_hub_model_folder(path) || (fs::is_regular_file(path / "config.json") && !fs::exists(path / "bundle.json"));
  return model_folder ? open_model_folder_bundle(path) : open_bundle(path);
}

}  // namespace cradle
