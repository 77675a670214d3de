#pragma once
// Writes a loaded Hub model back as a Hugging Face model folder that
// transformers' from_pretrained loads without code: config.json (the source's,
// torch_dtype set to what was written), model.safetensors by the Hub's tensor
// names (GPT-2's Conv1D weights as the Hub stores them, [in, out]; no
// lm_head when tied), the source's tokenizer and generation files, and a
// model card (README.md). Adapters are merged first (core/models/lora.h).
#include <torch/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/hub/hub_model.h"

namespace cradle {

struct HubFolderExportOptions {
  // The weights' type in the file; default the source's (float32 when it mixed types).
  std::optional<torch::ScalarType> dtype;
  std::string base_model;  // the model card's base_model; default the source folder's name
  std::string note;        // a sentence for the model card: what was done to the base
};

struct HubFolderExportSummary {
  std::int64_t tensors = 0, parameters = 0, bytes = 0;
  std::string dtype;                      // "float32", "float16", "bfloat16"
  std::vector<std::string> copied_files;  // from the source folder, besides config.json
};

// "float32" | "float16" | "bfloat16" → the type; ConfigError naming the value otherwise.
torch::ScalarType parse_hub_dtype(const std::string& name);

// ConfigError when `out` exists and is not an empty folder: checked before a
// model is loaded, so a command refuses at once.
void check_hub_folder_destination(const std::filesystem::path& out);

// Writes into a new folder beside `out` and renames it into place, so a
// failure (a full disk) leaves no half folder. ConfigError when `out` exists
// and is not empty, or the model still carries adapters.
HubFolderExportSummary export_hub_folder(const HubModel& hub, const std::filesystem::path& out,
                                         const HubFolderExportOptions& options = {});

}  // namespace cradle
