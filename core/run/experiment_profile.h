#pragma once
// What an experiment's data and model amount to before anything trains: the
// input shape, classes and their training counts, vocabulary, sample count,
// then the model's layer table and the memory a training step needs. Shared by
// `cradle-cli inspect` and the studio's wizard (which recomputes the model
// part on every edit, so only profile_data reads files).
// LibTorch stays out of this header.
#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/models/model_summary.h"

namespace cradle {

struct DataProfile {
  std::string task;
  std::vector<std::int64_t> input_shape;     // per sample; language models and text: {context_length}
  std::int64_t outputs = 0;                  // classes, 1 for regression, the vocabulary for language models
  std::int64_t vocab_size = 0;               // text only
  std::vector<std::int64_t> category_sizes;  // tables with embedded categories
  std::int64_t train_samples = 0;            // sequences for language models
  std::vector<std::string> class_names;      // classification
  std::vector<std::int64_t> train_class_counts;
};

// Loads the data as training would (through the data cache where it applies).
// Throws the loaders' ConfigError / DataError / IoError.
DataProfile profile_data(const Experiment& experiment);

// Builds the experiment's model for that data (seeded, on the CPU) and lists
// its layers. ConfigError when the model does not fit the data.
ModelSummary summarize_experiment_model(const Experiment& experiment, const DataProfile& data);

// Memory a float32 training step needs: weights, gradients, the optimizer's
// state per weight, and the batch's activations (kept for the backward pass).
struct TrainingMemory {
  std::int64_t weights = 0, gradients = 0, optimizer_state = 0, activations = 0;
  std::int64_t total() const { return weights + gradients + optimizer_state + activations; }
};
TrainingMemory estimate_training_memory(const ModelSummary& model, const TrainSpec& train);

// The machine's physical memory in bytes (0 when unknown).
std::int64_t physical_memory_bytes();

}  // namespace cradle
