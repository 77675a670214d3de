#pragma once
// An ImageNet backbone as people download it: a folder holding
// model.safetensors in torchvision's tensor names — the layout timm publishes
// its ResNets in (timm/resnet18.a1_in1k) and torchvision's own state dicts
// saved as safetensors — and, where the Hub has one, timm's config.json
// (architecture, num_classes, label_names, pretrained_cfg: input_size, mean,
// std, crop_pct). The architecture is read from the tensors themselves:
// ResNet-18, -34, -50, -101, -152 (core/models/imagenet_resnet.h) or
// MobileNetV2 (core/models/mobilenet_v2.h). Any other layout is refused
// naming the first tensor that does not fit.
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/experiment/imagenet_preprocessing.h"

namespace cradle {

struct ImageBackbone {
  std::filesystem::path folder, weights_file;
  std::string type;                      // the model.type it is: "resnet18", ..., "mobilenet_v2"
  std::int64_t num_classes = 0;          // rows of its classifier (fc or classifier.1)
  std::vector<std::string> label_names;  // config.json's label_names (or id2label), else empty
  // channels, height, width it was trained at
  std::vector<std::int64_t> input_size = {3, kImageNetInputSize, kImageNetInputSize};
  std::vector<double> mean = kImageNetMean, std = kImageNetStd;
  double crop_fraction = kImageNetCropFraction;  // pretrained_cfg.crop_pct: resize to size / this, centre-crop
  std::string stored_dtype;                      // "F32", "F16", "BF16" or "mixed"
};

// Whether `folder` holds an image backbone: model.safetensors and, if it has a
// config.json, a timm one ("architecture" or "pretrained_cfg", and no
// "model_type"/"architectures" of a transformers model).
bool is_image_backbone_folder(const std::filesystem::path& folder);

// Reads the config and works the architecture out of the tensors' names and
// shapes. IoError for a missing folder or weights file; DataError naming the
// file and tensor for a truncated or malformed file, a layout that is none of
// the above, a classifier of one class, or a config.json that disagrees.
ImageBackbone read_image_backbone(const std::filesystem::path& folder);

// The backbone's model (its own classifier, float32, evaluation mode) with
// every parameter and batch-norm statistic loaded; DataError naming the file
// and tensor for one missing, of the wrong shape or dtype, or left over.
torch::nn::Sequential load_image_backbone(const ImageBackbone& backbone);

// Loads the backbone's tensors into `model`, a model of the backbone's type
// (build_model with model.type = backbone.type) whose classifier may have
// another number of classes: a classifier tensor of another shape stays as
// built and is returned, described, as dropped. DataError as above for any
// other tensor that does not fit.
std::vector<std::string> load_image_backbone_into(const ImageBackbone& backbone, torch::nn::Module& model);

// The name of the backbone type's classifier layer: "fc" (ResNets) or "classifier" (MobileNetV2).
std::string image_backbone_head(const std::string& type);

}  // namespace cradle
