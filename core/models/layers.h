#pragma once
// Small building blocks shared by the model families.
#include <torch/nn.h>

#include <string>

namespace cradle {

// relu | gelu | tanh | sigmoid, as validated by the experiment parser.
// `in_place` (relu only) overwrites its input, saving a tensor: only where the
// layer before does not need its own output for the backward pass (a
// convolution, linear layer, batch norm or max pool does not).
torch::nn::AnyModule make_activation(const std::string& name, bool in_place = false);

// Lays image batches out channels-last (NHWC) in memory; values and shapes are
// unchanged. oneDNN's convolutions and ATen's batch norm and max pooling run
// about 1.4x faster on this CPU than in the default NCHW layout (measured on
// the Fashion-MNIST CNN), so every image model starts with it.
class ChannelsLastImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& images);
};
TORCH_MODULE(ChannelsLast);

// Stores the convolution kernels of `net` (a model starting with ChannelsLast)
// channels-last too: oneDNN takes the fast path only when input and kernel are.
void lay_out_channels_last(torch::nn::Sequential& net);

}  // namespace cradle
