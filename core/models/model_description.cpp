#include "core/models/model_description.h"

#include <filesystem>

#include "core/common/error.h"
#include "core/models/imagenet_resnet.h"

namespace cradle {
namespace {

std::string joined_sizes(const std::vector<std::int64_t>& values) {
  std::string text;
  for (const auto value : values) text += (text.empty() ? "" : ", ") + std::to_string(value);
  return text;
}

// "1 block", "2 blocks".
std::string count_text(const std::vector<std::int64_t>& values, const std::string& noun) {
  const bool one = values.size() == 1 && values[0] == 1;
  return joined_sizes(values) + " " + noun + (one ? "" : "s");
}

std::string size_text(const ModelDescription::Size& size) {
  const std::string values = joined_sizes(size.values);
  switch (size.kind) {
    case ModelSize::ConvChannels: return "conv channels " + values;
    case ModelSize::Dense: return "dense " + values;
    case ModelSize::Hidden: return "hidden " + values;
    case ModelSize::StageWidths: return "widths " + values;
    case ModelSize::StageBlocks: return "blocks " + values;
    case ModelSize::Depth: return "depth " + values;
    case ModelSize::RecurrentLayers: return count_text(size.values, "layer");
    case ModelSize::HiddenSize: return "hidden size " + values;
    case ModelSize::TransformerBlocks: return count_text(size.values, "block");
    case ModelSize::Width: return "width " + values;
    case ModelSize::Heads: return count_text(size.values, "head");
  }
  return values;
}

}  // namespace

std::string model_folder_name(const std::string& folder) {
  const std::filesystem::path path = std::filesystem::path(folder).lexically_normal();
  return path.has_filename() ? path.filename().string() : path.parent_path().filename().string();
}

ModelDescription describe_model(const ModelSpec& m) {
  ModelDescription d;
  if (m.type == "mlp") {
    d.family = ModelFamily::Mlp;
    d.sizes = {{ModelSize::Hidden, m.hidden}};
  } else if (m.type == "cnn") {
    d.family = ModelFamily::Cnn;
    d.sizes = {{ModelSize::ConvChannels, m.conv_channels}, {ModelSize::Dense, m.hidden}};
  } else if (m.type == "lenet5") {
    d.family = ModelFamily::LeNet5;
  } else if (m.type == "resnet") {
    d.family = ModelFamily::ResNet;
    d.sizes = {{ModelSize::StageWidths, m.widths}, {ModelSize::StageBlocks, m.blocks}};
  } else if (m.type == "mobilenet_v2") {
    d.family = ModelFamily::MobileNetV2;
  } else if (m.is_imagenet_backbone()) {
    d.family = ModelFamily::ImageNetResNet;
    d.sizes = {{ModelSize::Depth, {std::stoll(m.type.substr(6))}},
               {ModelSize::StageBlocks, imagenet_resnet_shape(m.type).blocks}};
  } else if (m.is_recurrent()) {
    d.family = m.type == "lstm" ? ModelFamily::Lstm : m.type == "gru" ? ModelFamily::Gru : ModelFamily::Rnn;
    d.sizes = {{ModelSize::RecurrentLayers, {m.layers}}, {ModelSize::HiddenSize, {m.hidden_size}}};
    d.bidirectional = m.bidirectional;
  } else if (m.type == "gpt" || m.type == "encoder") {
    d.family = m.type == "gpt" ? ModelFamily::Gpt : ModelFamily::TransformerEncoder;
    d.sizes = {
        {ModelSize::TransformerBlocks, {m.layers}}, {ModelSize::Width, {m.width}}, {ModelSize::Heads, {m.heads}}};
  } else if (m.is_pretrained()) {
    d.family = ModelFamily::Pretrained;
    d.folder = m.folder;
  } else {
    throw ConfigError("model.type: \"" + m.type + "\" is not a model Cradle builds");
  }
  return d;
}

std::string to_string(ModelFamily family) {
  switch (family) {
    case ModelFamily::Mlp: return "MLP";
    case ModelFamily::Cnn: return "CNN";
    case ModelFamily::LeNet5: return "LeNet-5";
    case ModelFamily::ResNet: return "ResNet";
    case ModelFamily::ImageNetResNet: return "ImageNet ResNet";
    case ModelFamily::MobileNetV2: return "MobileNetV2";
    case ModelFamily::Lstm: return "LSTM";
    case ModelFamily::Gru: return "GRU";
    case ModelFamily::Rnn: return "RNN";
    case ModelFamily::Gpt: return "GPT";
    case ModelFamily::TransformerEncoder: return "Transformer encoder";
    case ModelFamily::Pretrained: return "Hugging Face model";
  }
  return "model";
}

std::string to_text(const ModelDescription& description) {
  std::string text = to_string(description.family);
  for (const auto& size : description.sizes) text += ", " + size_text(size);
  if (description.bidirectional) text += ", bidirectional";
  if (!description.folder.empty()) text += ", " + model_folder_name(description.folder);
  return text;
}

}  // namespace cradle
