#pragma once
// An ImageNet backbone folder (core/hub/image_backbone.h) opened where a
// bundle is — cradle-cli predict and serve, the studio's Model tab — so a user
// can check a download before building on it: its classes named by
// config.json's label_names (else by their indices), pictures decoded,
// centre-cropped and normalised as the backbone expects (its config's
// pretrained_cfg, else ImageNet's defaults), float32 weights in evaluation
// mode. Nothing is written into the folder.
#include <filesystem>

#include "core/export/model_bundle.h"

namespace cradle {

// IoError / DataError naming the file and tensor, as read_image_backbone.
ModelBundle open_image_backbone_bundle(const std::filesystem::path& folder);

}  // namespace cradle
