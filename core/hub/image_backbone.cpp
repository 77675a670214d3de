#include "core/hub/image_backbone.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/shape_text.h"
#include "core/experiment/experiment.h"
#include "core/experiment/json_object_reader.h"
#include "core/export/safetensors.h"
#include "core/models/imagenet_resnet.h"
#include "core/models/mobilenet_v2.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

using TensorShapes = std::map<std::string, std::vector<std::int64_t>>;

bool has(const TensorShapes& shapes, const std::string& name) { return shapes.count(name) > 0; }

// How many blocks "layerN." holds: one past the largest block index named.
std::int64_t blocks_in(const TensorShapes& shapes, const std::string& stage) {
  std::int64_t count = 0;
  const std::string prefix = stage + ".";
  for (auto it = shapes.lower_bound(prefix); it != shapes.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    const auto dot = it->first.find('.', prefix.size());
    const std::string index = it->first.substr(prefix.size(), dot - prefix.size());
    if (!index.empty() && std::all_of(index.begin(), index.end(), ::isdigit))
      count = std::max<std::int64_t>(count, std::stoll(index) + 1);
  }
  return count;
}

// The model.type the tensors are laid out as, from their names; DataError naming what is not recognised.
std::string architecture_of(const TensorShapes& shapes, const fs::path& file) {
  if (has(shapes, "conv1.weight") && has(shapes, "layer1.0.conv1.weight")) {
    ImageNetResNetShape found;
    found.bottleneck = has(shapes, "layer1.0.conv3.weight");
    for (const char* stage : {"layer1", "layer2", "layer3", "layer4"}) found.blocks.push_back(blocks_in(shapes, stage));
    for (const char* type : {"resnet18", "resnet34", "resnet50", "resnet101", "resnet152"}) {
      const auto known = imagenet_resnet_shape(type);
      if (known.bottleneck == found.bottleneck && known.blocks == found.blocks) return type;
    }
    throw DataError(file.string() + ": a ResNet of " + (found.bottleneck ? "bottleneck" : "basic") + " blocks " +
                    shape_text(found.blocks) +
                    " per stage, which is none of resnet18, resnet34, resnet50, resnet101, resnet152");
  }
  if (has(shapes, "features.0.0.weight") && has(shapes, "features.1.conv.0.0.weight")) return "mobilenet_v2";
  throw DataError(file.string() + ": tensor " + (shapes.empty() ? std::string("(none)") : shapes.begin()->first) +
                  " fits no ImageNet backbone Cradle reads: torchvision's names are expected, conv1.weight and "
                  "layer1.0.conv1.weight (ResNet-18/34/50/101/152) or features.0.0.weight and "
                  "features.1.conv.0.0.weight (MobileNetV2)");
}

std::vector<std::string> read_label_names(const Json& config, const fs::path& file) {
  std::vector<std::string> names;
  for (const char* key : {"label_names", "id2label"}) {
    const auto found = config.find(key);
    if (found == config.end()) continue;
    if (found->is_array()) {
      for (const auto& name : *found) {
        if (!name.is_string()) throw DataError(file.string() + ": " + key + ": expected a list of names");
        names.push_back(name.get<std::string>());
      }
    } else if (found->is_object()) {  // {"0": "tench", ...}, the index as a string
      names.resize(found->size());
      for (const auto& [index, name] : found->items()) {
        std::size_t end = 0;
        long long i = -1;
        try {
          i = std::stoll(index, &end);
        } catch (const std::exception&) {}
        if (end != index.size() || i < 0 || i >= static_cast<long long>(names.size()) || !name.is_string())
          throw DataError(file.string() + ": " + key + "." + index + ": expected class indices 0.." +
                          std::to_string(names.size() - 1) + " naming each class");
        names[static_cast<std::size_t>(i)] = name.get<std::string>();
      }
    } else {
      throw DataError(file.string() + ": " + key + ": expected a list of class names");
    }
    return names;
  }
  return names;
}

void read_config(const fs::path& file, ImageBackbone& backbone) {
  const Json config = parse_json_text(read_file(file), file.string());
  if (!config.is_object()) throw DataError(file.string() + ": expected a JSON object");
  JsonObjectReader r(config, file.string());
  const std::string architecture = r.string("architecture", backbone.type);
  if (architecture != backbone.type)
    throw DataError(file.string() + ": architecture \"" + architecture + "\", but the weights are laid out as " +
                    backbone.type + "'s");
  if (r.has("num_classes") && r.integer("num_classes", 0) != backbone.num_classes)
    throw DataError(file.string() + ": num_classes " + std::to_string(r.integer("num_classes", 0)) + ", but " +
                    image_backbone_head(backbone.type) + "'s weights have " + std::to_string(backbone.num_classes) +
                    " rows");
  backbone.label_names = read_label_names(config, file);
  if (!backbone.label_names.empty() && static_cast<std::int64_t>(backbone.label_names.size()) != backbone.num_classes)
    throw DataError(file.string() + ": " + std::to_string(backbone.label_names.size()) + " label names for " +
                    std::to_string(backbone.num_classes) + " classes");
  if (!r.has("pretrained_cfg")) return;
  JsonObjectReader p = r.object("pretrained_cfg");
  backbone.input_size = p.integers("input_size", backbone.input_size, Range::between(1, 8192));
  if (backbone.input_size.size() != 3 || backbone.input_size[0] != 3)
    throw DataError(p.path_of("input_size") + ": expected [3, height, width], got " + shape_text(backbone.input_size));
  backbone.mean = p.numbers("mean", backbone.mean);
  backbone.std = p.numbers("std", backbone.std, Range::greater_than(0));
  if (backbone.mean.size() != 3 || backbone.std.size() != 3)
    throw DataError(p.path_of("mean") + ": expected three channel means and three standard deviations");
  backbone.crop_fraction = p.number("crop_pct", backbone.crop_fraction, {0.0, 1.0, true, false});
}

// The tensors' names and shapes (a view of the mapped file: nothing is copied).
TensorShapes shapes_of(const SafetensorsFile& file) {
  TensorShapes shapes;
  for (const auto& [name, tensor] : file.tensors) shapes[name] = tensor.sizes().vec();
  return shapes;
}

std::string dtype_name(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat32: return "F32";
    case torch::kFloat16: return "F16";
    case torch::kBFloat16: return "BF16";
    case torch::kFloat64: return "F64";
    case torch::kInt64: return "I64";
    case torch::kInt32: return "I32";
    case torch::kInt16: return "I16";
    case torch::kInt8: return "I8";
    case torch::kUInt8: return "U8";
    case torch::kBool: return "BOOL";
    default: return c10::toString(type);
  }
}

bool is_float(torch::ScalarType type) {
  return type == torch::kFloat32 || type == torch::kFloat16 || type == torch::kBFloat16;
}

// batch norm's count of training steps (an integer; torchvision's and timm's state dicts keep it).
bool is_step_count(const std::string& name) {
  return name.size() > 20 && name.compare(name.size() - 20, 20, ".num_batches_tracked") == 0;
}

}  // namespace

std::string image_backbone_head(const std::string& type) { return type == "mobilenet_v2" ? "classifier" : "fc"; }

bool is_image_backbone_folder(const fs::path& folder) {
  if (!fs::is_regular_file(folder / "model.safetensors") || fs::exists(folder / "model.safetensors.index.json"))
    return false;
  if (!fs::is_regular_file(folder / "config.json")) return true;
  try {
    const Json config = parse_json_text(read_file(folder / "config.json"), (folder / "config.json").string());
    return config.is_object() && (config.contains("architecture") || config.contains("pretrained_cfg")) &&
           !config.contains("model_type") && !config.contains("architectures");
  } catch (const Error&) {
    return false;  // a transformers loader names the broken file
  }
}

ImageBackbone read_image_backbone(const fs::path& folder) {
  if (!fs::is_directory(folder)) throw IoError(folder.string() + ": no such folder");
  ImageBackbone backbone;
  backbone.folder = folder;
  backbone.weights_file = folder / "model.safetensors";
  if (!fs::is_regular_file(backbone.weights_file))
    throw IoError(folder.string() + ": no model.safetensors (an ImageNet backbone's weights in torchvision's names)");
  const SafetensorsFile file = read_safetensors(backbone.weights_file);
  const TensorShapes shapes = shapes_of(file);
  backbone.type = architecture_of(shapes, backbone.weights_file);
  const std::string head = image_backbone_head(backbone.type) + (backbone.type == "mobilenet_v2" ? ".1" : "");
  const auto head_weight = shapes.find(head + ".weight");
  if (head_weight == shapes.end() || head_weight->second.size() != 2)
    throw DataError(backbone.weights_file.string() + ": tensor " + head +
                    ".weight, the classifier's [classes, features] matrix, is missing or not 2-dimensional");
  backbone.num_classes = head_weight->second[0];
  if (backbone.num_classes < 2)
    throw DataError(backbone.weights_file.string() + ": tensor " + head + ".weight has " +
                    std::to_string(backbone.num_classes) + " row: a classifier needs at least 2 classes");
  std::set<std::string> dtypes;
  for (const auto& [name, tensor] : file.tensors)
    if (!is_step_count(name)) dtypes.insert(dtype_name(tensor.scalar_type()));
  backbone.stored_dtype = dtypes.size() == 1 ? *dtypes.begin() : "mixed";
  if (fs::is_regular_file(folder / "config.json")) read_config(folder / "config.json", backbone);
  return backbone;
}

std::vector<std::string> load_image_backbone_into(const ImageBackbone& backbone, torch::nn::Module& model) {
  const SafetensorsFile file = read_safetensors(backbone.weights_file);
  const std::string where = backbone.weights_file.string() + ": tensor ";
  std::map<std::string, torch::Tensor> stored(file.tensors.begin(), file.tensors.end());
  const std::string head = image_backbone_head(backbone.type) + ".";
  std::vector<std::string> dropped;
  torch::NoGradGuard no_grad;
  auto targets = model.named_parameters();
  for (const auto& buffer : model.named_buffers()) targets.insert(buffer.key(), buffer.value());
  for (auto& target : targets) {
    const std::string& name = target.key();
    const auto found = stored.find(name);
    if (found == stored.end()) {
      if (is_step_count(name)) continue;  // optional: a state dict saved without them
      throw DataError(where + name + " is missing: a " + backbone.type + " needs it, shaped " +
                      shape_text(target.value().sizes()));
    }
    const torch::Tensor source = found->second;
    stored.erase(found);
    if (is_step_count(name)) {
      if (source.numel() != 1 || is_float(source.scalar_type()) || source.scalar_type() == torch::kBool)
        throw DataError(where + name + " should be one integer (batch norm's step count), got " +
                        dtype_name(source.scalar_type()) + " " + shape_text(source.sizes()));
      target.value().fill_(source.item<std::int64_t>());
      continue;
    }
    if (!is_float(source.scalar_type()))
      throw DataError(where + name + " is " + dtype_name(source.scalar_type()) + "; weights are F32, F16 or BF16");
    if (source.sizes() != target.value().sizes()) {
      if (name.rfind(head, 0) == 0) {
        dropped.push_back(name + " " + shape_text(source.sizes()) + " (the backbone's " +
                          std::to_string(backbone.num_classes) + "-class head; this model's is " +
                          shape_text(target.value().sizes()) + ")");
        continue;
      }
      throw DataError(where + name + " is shaped " + shape_text(source.sizes()) + "; a " + backbone.type + " needs " +
                      shape_text(target.value().sizes()));
    }
    target.value().copy_(source);
  }
  if (!stored.empty())
    throw DataError(where + stored.begin()->first + " has no place in a " + backbone.type +
                    " (torchvision's layout); is it another variant of the architecture?");
  return dropped;
}

torch::nn::Sequential load_image_backbone(const ImageBackbone& backbone) {
  torch::nn::Sequential model =
      backbone.type == "mobilenet_v2"
          ? build_mobilenet_v2(backbone.input_size[0], backbone.num_classes)
          : build_imagenet_resnet(imagenet_resnet_shape(backbone.type), backbone.input_size[0], backbone.num_classes);
  load_image_backbone_into(backbone, *model);
  model->eval();
  return model;
}

}  // namespace cradle
