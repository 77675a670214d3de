#pragma once
// `cradle-cli data preview` (and later the studio's data page): before/after
// samples of every preprocessing step of an experiment, written to a folder.
//   text:   NN-<op>.txt per step (records before and after, or removed with
//           the reason), NN-tokenizer.txt (training records as tokens and ids)
//   images: augmentation.png, a grid with one row per training sample and one
//           column per stage: as loaded (after resizing and centre crop), each
//           augmentation step alone, then all of them in order
//   tables: table.txt, the fitted encoding of every column, then training
//           rows as read and as the model receives them
//   all:    preview.json, the same content for programs.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/experiment/experiment.h"

namespace cradle {

struct PreviewRequest {
  std::int64_t samples = 8;
  std::filesystem::path out_dir;
};

// The files written, in order. ConfigError for a source the preview cannot
// show; IoError when out_dir cannot be written.
std::vector<std::filesystem::path> write_data_preview(const Experiment& experiment, const PreviewRequest& request);

}  // namespace cradle
