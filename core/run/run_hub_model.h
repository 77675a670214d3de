#pragma once
// A language-model run tuned from a Hugging Face folder (model type
// "pretrained") held as that folder's model with the run's weights, so it
// exports as a Hub folder or a GGUF file exactly as a downloaded folder does
// (core/hub/hub_folder_export.h, core/hub/hub_gguf_export.h). Its tokenizer
// and generation files are the source folder's.
#include <filesystem>
#include <string>

#include "core/hub/hub_model.h"

namespace cradle {

// ConfigError naming the run's model type when it was not tuned from a folder
// (a Cradle GPT exports as a bundle); the errors of load_run_language_model.
HubModel load_run_hub_model(const std::filesystem::path& run_dir, const std::string& checkpoint = "last");

}  // namespace cradle
