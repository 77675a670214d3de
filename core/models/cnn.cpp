#include "core/models/cnn.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/models/classifier_head.h"
#include "core/models/fast_dropout.h"
#include "core/models/layers.h"

namespace cradle {

torch::nn::Sequential build_cnn(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                std::int64_t num_classes) {
  if (input_shape.size() != 3)
    throw ConfigError("model.type: \"cnn\" needs images (channels, height, width); this data has " +
                      std::to_string(input_shape.size()) + "-dimensional samples, use \"mlp\"");
  std::int64_t channels = input_shape.at(0), height = input_shape.at(1), width = input_shape.at(2);
  const bool same = spec.padding == "same";
  torch::nn::Sequential net;
  net->push_back("channels_last", ChannelsLast());
  for (size_t i = 0; i < spec.conv_channels.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    const std::int64_t out = spec.conv_channels[i];
    net->push_back("conv" + n, torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, out, spec.kernel_size)
                                                     .stride(spec.stride)
                                                     .padding(same ? spec.kernel_size / 2 : 0)
                                                     .bias(!spec.batch_norm)));
    if (spec.batch_norm) net->push_back("conv_norm" + n, torch::nn::BatchNorm2d(out));
    // Max pooling commutes with a non-decreasing activation (relu, tanh,
    // sigmoid; not gelu): pooling first gives the same outputs and gradients
    // with the activation working on a quarter of the values.
    const bool pool_first = spec.pool == "max" && spec.activation != "gelu";
    if (!pool_first) net->push_back("conv_act" + n, make_activation(spec.activation, /*in_place=*/true));
    // "Same" padding: a stride s gives ceil(size / s); "valid": (size - kernel) / s + 1 (rounding down).
    // A 2x2 pool then halves (rounding down).
    const std::int64_t lost = same ? 0 : spec.kernel_size - 1;
    if (height - lost < 1 || width - lost < 1)
      throw ConfigError("model.kernel_size: block " + n + " gets a " + std::to_string(height) + "x" +
                        std::to_string(width) + " input, smaller than its " + std::to_string(spec.kernel_size) + "x" +
                        std::to_string(spec.kernel_size) +
                        " kernel without padding; use padding \"same\" or fewer blocks");
    height = (height - lost - 1) / spec.stride + 1;
    width = (width - lost - 1) / spec.stride + 1;
    if (spec.pool != "none") {
      if (spec.pool == "max")
        net->push_back("pool" + n, torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
      else
        net->push_back("pool" + n, torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2)));
      height /= 2;
      width /= 2;
    }
    if (pool_first) net->push_back("conv_act" + n, make_activation(spec.activation, /*in_place=*/true));
    if (spec.conv_dropout > 0) net->push_back("conv_dropout" + n, torch::nn::Dropout2d(spec.conv_dropout));
    if (height < 1 || width < 1)
      throw ConfigError("model.conv_channels: block " + n + " shrinks the " + std::to_string(input_shape.at(1)) + "x" +
                        std::to_string(input_shape.at(2)) +
                        " input to nothing; use fewer blocks, stride 1 or pool \"none\"");
    channels = out;
  }
  net->push_back("flatten", torch::nn::Flatten());
  if (spec.dropout > 0) net->push_back("conv_drop", FastDropout(spec.dropout));
  append_dense_head(net, spec, channels * height * width, num_classes);
  lay_out_channels_last(net);
  return net;
}

}  // namespace cradle
