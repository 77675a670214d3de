#include "core/models/cnn.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/models/classifier_head.h"
#include "core/models/layers.h"

namespace cradle {

torch::nn::Sequential build_cnn(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                std::int64_t num_classes) {
  if (input_shape.size() != 3)
    throw ConfigError("model.type: \"cnn\" needs images (channels, height, width); this data has " +
                      std::to_string(input_shape.size()) + "-dimensional samples, use \"mlp\"");
  std::int64_t channels = input_shape.at(0), height = input_shape.at(1), width = input_shape.at(2);
  torch::nn::Sequential net;
  for (size_t i = 0; i < spec.conv_channels.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    const std::int64_t out = spec.conv_channels[i];
    net->push_back("conv" + n, torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, out, spec.kernel_size)
                                                     .stride(spec.stride)
                                                     .padding(spec.kernel_size / 2)
                                                     .bias(!spec.batch_norm)));
    if (spec.batch_norm) net->push_back("conv_norm" + n, torch::nn::BatchNorm2d(out));
    net->push_back("conv_act" + n, make_activation(spec.activation));
    // "Same" padding: a stride s gives ceil(size / s); a 2x2 pool then halves (rounding down).
    height = (height - 1) / spec.stride + 1;
    width = (width - 1) / spec.stride + 1;
    if (spec.pool != "none") {
      if (spec.pool == "max") net->push_back("pool" + n, torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
      else net->push_back("pool" + n, torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2)));
      height /= 2;
      width /= 2;
    }
    if (height < 1 || width < 1)
      throw ConfigError("model.conv_channels: block " + n + " shrinks the " + std::to_string(input_shape.at(1)) + "x" +
                        std::to_string(input_shape.at(2)) + " input to nothing; use fewer blocks, stride 1 or pool \"none\"");
    channels = out;
  }
  net->push_back("flatten", torch::nn::Flatten());
  if (spec.dropout > 0) net->push_back("conv_drop", torch::nn::Dropout(spec.dropout));
  append_dense_head(net, spec, channels * height * width, num_classes);
  return net;
}

}  // namespace cradle
