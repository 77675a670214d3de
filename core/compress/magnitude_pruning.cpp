#include "core/compress/magnitude_pruning.h"

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"

namespace cradle {
namespace {

// Keeps the `keep` largest magnitudes of `magnitudes` (flat), and only where `allowed`.
torch::Tensor keep_largest(const torch::Tensor& magnitudes, std::int64_t keep, const torch::Tensor& allowed) {
  auto mask = torch::zeros_like(magnitudes, torch::kBool);
  if (keep > 0) mask.index_put_({std::get<1>(magnitudes.topk(keep))}, true);
  return mask.logical_and_(allowed);
}

std::int64_t kept_count(std::int64_t total, double sparsity) {
  return total - static_cast<std::int64_t>(std::llround(sparsity * static_cast<double>(total)));
}

}  // namespace

std::vector<PrunableWeight> prunable_weights(torch::nn::Module& model) {
  std::vector<PrunableWeight> out;
  for (const auto& item : model.named_modules("", /*include_self=*/false)) {
    torch::nn::Module& m = *item.value();
    if (m.as<torch::nn::Linear>() || m.as<torch::nn::Conv2d>() || m.as<torch::nn::Conv1d>())
      out.push_back({item.key(), m.named_parameters(/*recurse=*/false)["weight"]});
  }
  return out;
}

double scheduled_sparsity(double final_sparsity, std::int64_t cycle, std::int64_t cycles) {
  if (cycles < 1 || cycle < 1) return 0.0;
  const double progress = std::min(1.0, static_cast<double>(cycle) / static_cast<double>(cycles));
  return final_sparsity * (1.0 - std::pow(1.0 - progress, 3.0));
}

MagnitudePruner::MagnitudePruner(torch::nn::Module& model, std::string scope) : scope_(std::move(scope)) {
  if (scope_ != "global" && scope_ != "layer")
    throw ConfigError("pruning scope \"" + scope_ + "\": expected global or layer");
  weights_ = prunable_weights(model);
  if (weights_.empty()) throw ConfigError("pruning: the model has no linear or convolution weights");
  torch::NoGradGuard no_grad;
  for (const auto& w : weights_) masks_.push_back(w.weight.ne(0));
}

void MagnitudePruner::prune_to(double sparsity) {
  torch::NoGradGuard no_grad;
  if (scope_ == "layer") {
    for (std::size_t i = 0; i < weights_.size(); ++i) {
      const auto flat = weights_[i].weight.detach().abs().flatten();
      masks_[i] = keep_largest(flat, kept_count(flat.numel(), sparsity), masks_[i].flatten()).view_as(masks_[i]);
    }
  } else {
    std::vector<torch::Tensor> magnitudes, allowed;
    for (std::size_t i = 0; i < weights_.size(); ++i) {
      magnitudes.push_back(weights_[i].weight.detach().abs().flatten().to(torch::kFloat32));
      allowed.push_back(masks_[i].flatten());
    }
    const auto all = torch::cat(magnitudes);
    const auto kept = keep_largest(all, kept_count(all.numel(), sparsity), torch::cat(allowed));
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < weights_.size(); ++i) {
      const auto n = masks_[i].numel();
      masks_[i] = kept.slice(0, offset, offset + n).view_as(masks_[i]).clone();
      offset += n;
    }
  }
  apply_masks();
}

void MagnitudePruner::apply_masks() {
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < weights_.size(); ++i) weights_[i].weight.mul_(masks_[i]);
}

std::vector<LayerSparsity> MagnitudePruner::layers() const {
  std::vector<LayerSparsity> out;
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    LayerSparsity l;
    l.layer = weights_[i].layer;
    l.shape = weights_[i].weight.sizes().vec();
    l.weights = weights_[i].weight.numel();
    l.zeros = l.weights - masks_[i].sum().item<std::int64_t>();
    out.push_back(std::move(l));
  }
  return out;
}

double MagnitudePruner::sparsity() const {
  std::int64_t weights = 0, zeros = 0;
  for (const auto& l : layers()) weights += l.weights, zeros += l.zeros;
  return weights > 0 ? static_cast<double>(zeros) / static_cast<double>(weights) : 0.0;
}

}  // namespace cradle
