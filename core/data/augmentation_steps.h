#pragma once
// The image augmentation list of an experiment (data.augment): ordered
// entries {"op": ..., "p": probability, parameters}, applied to training
// batches only. Parsing validates each parameter with its JSON path.
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"

namespace cradle {

struct AugmentStep {
  // "hflip" | "vflip" | "rotate" | "random_resized_crop" | "brightness" | "contrast" | "noise" | "cutout"
  std::string op;
  double p = 0.5;                               // share of samples the step is applied to
  double degrees = 15;                          // rotate: angle drawn from [-degrees, degrees]
  std::vector<double> scale = {0.08, 1.0};      // random_resized_crop: area share of the crop
  std::vector<double> ratio = {0.75, 4.0 / 3};  // random_resized_crop: aspect ratio (width / height)
  double amount = 0.2;                          // brightness, contrast: factor drawn from [1 - amount, 1 + amount]
  double std = 0.05;                            // noise: Gaussian deviation in pixel units ([0, 1] scale)
  double size = 0.25;                           // cutout: side of the square hole as a share of the image side
};

AugmentStep parse_augment_step(JsonObjectReader reader);
Json augment_step_to_json(const AugmentStep& step);

}  // namespace cradle
