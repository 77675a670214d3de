#include "core/models/lenet.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/models/fast_dropout.h"
#include "core/models/layers.h"

namespace cradle {

torch::nn::Sequential build_lenet5(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                   std::int64_t num_classes) {
  if (input_shape.size() != 3)
    throw ConfigError("model.type: \"lenet5\" needs images (channels, height, width); this data has " +
                      std::to_string(input_shape.size()) + "-dimensional samples");
  // Sizes: conv1 keeps H (padding 2), pool halves, conv2 takes 4, pool halves.
  const std::int64_t height = (input_shape[1] / 2 - 4) / 2, width = (input_shape[2] / 2 - 4) / 2;
  if (height < 1 || width < 1)
    throw ConfigError("model.type: \"lenet5\" needs images of at least 12x12, got " + std::to_string(input_shape[1]) +
                      "x" + std::to_string(input_shape[2]));
  namespace nn = torch::nn;
  nn::Sequential net;
  net->push_back("channels_last", ChannelsLast());
  net->push_back("conv1", nn::Conv2d(nn::Conv2dOptions(input_shape[0], 6, 5).padding(2)));
  net->push_back("conv_act1", make_activation(spec.activation));
  net->push_back("pool1", nn::AvgPool2d(nn::AvgPool2dOptions(2)));
  net->push_back("conv2", nn::Conv2d(nn::Conv2dOptions(6, 16, 5)));
  net->push_back("conv_act2", make_activation(spec.activation));
  net->push_back("pool2", nn::AvgPool2d(nn::AvgPool2dOptions(2)));
  net->push_back("flatten", nn::Flatten());
  net->push_back("fc1", nn::Linear(16 * height * width, 120));
  net->push_back("fc_act1", make_activation(spec.activation));
  if (spec.dropout > 0) net->push_back("fc_drop1", FastDropout(spec.dropout));
  net->push_back("fc2", nn::Linear(120, 84));
  net->push_back("fc_act2", make_activation(spec.activation));
  if (spec.dropout > 0) net->push_back("fc_drop2", FastDropout(spec.dropout));
  net->push_back("out", nn::Linear(84, num_classes));
  lay_out_channels_last(net);
  return net;
}

}  // namespace cradle
