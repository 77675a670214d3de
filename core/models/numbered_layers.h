#pragma once
// Layers run in order and registered as "0", "1", ... — the names
// torch.nn.Sequential gives its children — so a model nested as torchvision
// nests its ImageNet backbones keeps their parameter names
// ("layer1.0.downsample.0.weight", "features.3.conv.1.0.weight") and reads
// their checkpoints without renaming. LibTorch's own Sequential cannot be a
// child of a Sequential (its forward is a template), hence this one.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>

#include <vector>

namespace cradle {

class NumberedLayersImpl : public torch::nn::Module {
 public:
  NumberedLayersImpl() = default;

  template <typename ModuleHolder>
  void append(ModuleHolder layer) {
    register_module(std::to_string(layers_.size()), layer.ptr());
    layers_.emplace_back(std::move(layer));
  }

  torch::Tensor forward(torch::Tensor x);
  // Each layer, for the layer table's costs (core/models/model_inspection.cpp).
  std::vector<torch::nn::AnyModule>& layers() { return layers_; }

 private:
  std::vector<torch::nn::AnyModule> layers_;
};
TORCH_MODULE(NumberedLayers);

}  // namespace cradle
