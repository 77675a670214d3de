#pragma once
// Images and labels as a source reads them, before scaling and normalisation.
#include <torch/types.h>

#include <string>
#include <vector>

namespace cradle {

struct LabelledImages {
  torch::Tensor pixels;                    // [N, channels, height, width] uint8
  torch::Tensor labels;                    // [N] int64
  std::vector<std::string> class_names;    // when the source names its classes, else empty
  std::vector<std::string> skipped_files;  // unreadable files left out, when the experiment allows it
};

}  // namespace cradle
