#pragma once
// A Hugging Face model folder opened where a bundle is (cradle-cli predict and
// serve), so a user can try a downloaded model before tuning it: its own
// tokenizer, its chat template (prompts become the user's turn when it has
// one), its end-of-text ids, float32 weights in evaluation mode. Nothing is
// written into the folder.
#include <filesystem>

#include "core/export/model_bundle.h"

namespace cradle {

// The folder as a language-model bundle: dir is the folder, the manifest says
// what it is (model_folder, architecture, parameters, chat_template), the card
// is its README.md. ConfigError or DataError naming the file and field that
// is wrong (core/hub).
ModelBundle open_model_folder_bundle(const std::filesystem::path& folder);

// A bundle folder, a .cradle file, an ImageNet backbone folder
// (core/export/image_backbone_bundle.h) or a Hugging Face model folder (a
// folder with config.json and no bundle.json, so a missing weights file is named).
ModelBundle open_bundle_or_model_folder(const std::filesystem::path& path);

}  // namespace cradle
