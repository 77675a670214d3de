#include "core/train/optimizer_factory.h"

#include <torch/torch.h>

#include "core/train/adadelta.h"
#include "core/train/layer_selection.h"

#include <algorithm>

namespace cradle {

namespace {

// Weight decay applies to weight matrices and kernels (tensors of 2+
// dimensions) only: decaying biases and normalisation scales towards zero
// only hurts, as GPT-2 and most modern recipes agree. Two parameter groups
// then share every other setting.
// Parameters that share a learning-rate scale, in the order their scale first appears.
struct ScaledParameters {
  double scale = 1.0;
  std::vector<torch::Tensor> parameters;
};

template <typename OptimizerType, typename Options>
std::unique_ptr<torch::optim::Optimizer> grouped(const std::vector<ScaledParameters>& sets, Options options,
                                                 double weight_decay) {
  options.weight_decay(weight_decay);
  if (weight_decay == 0 && sets.size() == 1) return std::make_unique<OptimizerType>(sets.front().parameters, options);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  for (const auto& set : sets) {
    std::vector<torch::Tensor> decayed, undecayed;
    for (const auto& p : set.parameters) (weight_decay > 0 && p.dim() >= 2 ? decayed : undecayed).push_back(p);
    Options scaled = options;
    scaled.lr(options.lr() * set.scale);
    if (!decayed.empty()) groups.emplace_back(decayed, std::make_unique<Options>(scaled));
    if (!undecayed.empty()) {
      Options plain = scaled;
      plain.weight_decay(0);
      groups.emplace_back(undecayed, std::make_unique<Options>(plain));
    }
  }
  return std::make_unique<OptimizerType>(std::move(groups), options);
}

std::unique_ptr<torch::optim::Optimizer> make_grouped_optimizer(const TrainSpec& spec,
                                                                const std::vector<ScaledParameters>& sets) {
  namespace optim = torch::optim;
  const std::string& name = spec.optimizer;
  const double decay = spec.weight_decay;
  if (name == "sgd")
    return grouped<optim::SGD>(sets, optim::SGDOptions(spec.lr).momentum(spec.momentum).nesterov(spec.nesterov), decay);
  if (name == "adagrad") return grouped<optim::Adagrad>(sets, optim::AdagradOptions(spec.lr).eps(spec.eps), decay);
  if (name == "adadelta") return grouped<Adadelta>(sets, AdadeltaOptions(spec.lr).rho(spec.rho).eps(spec.eps), decay);
  if (name == "rmsprop")
    return grouped<optim::RMSprop>(
        sets, optim::RMSpropOptions(spec.lr).alpha(spec.alpha).eps(spec.eps).momentum(spec.momentum), decay);
  const auto betas = std::make_tuple(spec.betas.at(0), spec.betas.at(1));
  if (name == "adamw")
    return grouped<optim::AdamW>(sets, optim::AdamWOptions(spec.lr).betas(betas).eps(spec.eps), decay);
  return grouped<optim::Adam>(sets, optim::AdamOptions(spec.lr).betas(betas).eps(spec.eps), decay);
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSpec& spec,
                                                        const std::vector<torch::Tensor>& parameters) {
  return make_grouped_optimizer(spec, {ScaledParameters{1.0, parameters}});
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(
    const TrainSpec& spec, const torch::OrderedDict<std::string, torch::Tensor>& named_parameters) {
  std::vector<ScaledParameters> sets;
  for (const auto& item : named_parameters) {
    double scale = 1.0;
    for (const auto& group : spec.layer_lr)
      if (layer_selected(group.layers, item.key())) {
        scale = group.scale;
        break;
      }
    auto set = std::find_if(sets.begin(), sets.end(), [scale](const ScaledParameters& s) { return s.scale == scale; });
    if (set == sets.end()) set = sets.insert(sets.end(), ScaledParameters{scale, {}});
    set->parameters.push_back(item.value());
  }
  if (sets.empty()) sets.push_back({});
  return make_grouped_optimizer(spec, sets);
}

std::vector<double> learning_rate_scales(const torch::optim::Optimizer& optimizer, double base_lr) {
  std::vector<double> scales;
  for (const auto& group : optimizer.param_groups()) scales.push_back(group.options().get_lr() / base_lr);
  return scales;
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr, const std::vector<double>& scales) {
  auto& groups = optimizer.param_groups();
  for (std::size_t i = 0; i < groups.size(); ++i)
    groups[i].options().set_lr(lr * (i < scales.size() ? scales[i] : 1.0));
}

double current_learning_rate(const torch::optim::Optimizer& optimizer) {
  return optimizer.param_groups().front().options().get_lr();
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

void clear_gradients(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params()) p.mutable_grad() = torch::Tensor();
}

}  // namespace cradle
