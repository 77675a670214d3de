#pragma once
#include <torch/nn.h>

#include <cstdint>

#include "core/data/tensor_dataset.h"

namespace cradle {

// Per prediction: per sample for a classifier, per token for a language model.
struct ClassifierScores {
  double loss = 0;      // mean cross-entropy
  double accuracy = 0;  // fraction of argmax predictions equal to the target
  std::int64_t samples = 0;
  std::int64_t predictions = 0;
};

// Scores the whole dataset in evaluation mode (no dropout, running batch-norm
// statistics), accumulating sums batch by batch; the model's mode is restored.
ClassifierScores evaluate_classifier(torch::nn::Sequential& model, const TensorDataset& dataset,
                                     std::int64_t batch_size, torch::Device device);

}  // namespace cradle
