#include "core/eval/classifier_evaluation.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/train/prediction_units.h"

namespace cradle {

ClassifierScores evaluate_classifier(torch::nn::Sequential& model, const TensorDataset& dataset,
                                     std::int64_t batch_size, torch::Device device) {
  ClassifierScores scores;
  scores.samples = dataset.size();
  if (scores.samples == 0) return scores;
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  auto loss_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
  auto correct = torch::zeros({}, torch::TensorOptions().dtype(torch::kInt64).device(device));
  for (std::int64_t begin = 0; begin < scores.samples; begin += batch_size) {
    const auto batch = dataset.slice(begin, std::min(scores.samples, begin + batch_size));
    const auto inputs = batch.inputs.to(device);
    const auto targets = batch.targets.to(device);
    const auto [logits, flat_targets] = flatten_predictions(model->forward(inputs), targets);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, flat_targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .to(torch::kFloat64);
    correct += logits.argmax(1).eq(flat_targets).sum();
    scores.predictions += flat_targets.numel();
  }
  if (was_training) model->train();
  scores.loss = loss_sum.item<double>() / static_cast<double>(scores.predictions);
  scores.accuracy = static_cast<double>(correct.item<std::int64_t>()) / static_cast<double>(scores.predictions);
  return scores;
}

}  // namespace cradle
