#include "core/models/layers.h"

#include <torch/torch.h>

namespace cradle {

torch::nn::AnyModule make_activation(const std::string& name, bool in_place) {
  if (name == "gelu") return torch::nn::AnyModule(torch::nn::GELU());
  if (name == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  if (name == "sigmoid") return torch::nn::AnyModule(torch::nn::Sigmoid());
  return torch::nn::AnyModule(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(in_place)));
}

namespace {

// A channels-last copy with channels-last strides even where the layouts
// coincide (one channel): contiguous(ChannelsLast) would keep NCHW strides
// there, and oneDNN reads the layout from the strides.
torch::Tensor channels_last_copy(const torch::Tensor& t) {
  return at::empty_like(t, t.options(), torch::MemoryFormat::ChannelsLast).copy_(t);
}

}  // namespace

torch::Tensor ChannelsLastImpl::forward(const torch::Tensor& images) {
  return images.dim() == 4 ? channels_last_copy(images) : images;
}

void lay_out_channels_last(torch::nn::Sequential& net) {
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters())
    if (p.dim() == 4) p.set_data(channels_last_copy(p));
}

}  // namespace cradle
