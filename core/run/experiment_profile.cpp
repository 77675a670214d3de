#include "core/run/experiment_profile.h"

#include <torch/torch.h>
#include <unistd.h>

#include "core/data/data_cache.h"
#include "core/data/dataset_statistics.h"
#include "core/data/dialogue_data.h"
#include "core/data/language_model_data.h"
#include "core/data/preference_data.h"
#include "core/data/prompt_data.h"
#include "core/data/text_classification_data.h"
#include "core/models/model_factory.h"
#include "core/models/model_inspection.h"
#include "core/models/reward_model.h"
#include "core/models/text_classifier.h"
#include "core/run/fine_tuning_base.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/run_chat_format.h"

namespace cradle {
namespace {

void take_classes(DataProfile& profile, const ClassificationData& data) {
  profile.class_names = data.class_names;
  const DatasetStatistics statistics = compute_dataset_statistics(data);
  if (!statistics.splits.empty()) profile.train_class_counts = statistics.splits.front().class_counts;
}

// Optimizer state values kept per weight.
int state_per_weight(const std::string& optimizer, double momentum) {
  if (optimizer == "adam" || optimizer == "adamw" || optimizer == "adadelta") return 2;
  if (optimizer == "adagrad") return 1;
  if (optimizer == "rmsprop") return momentum > 0 ? 2 : 1;
  return momentum > 0 ? 1 : 0;  // sgd
}

}  // namespace

DataProfile profile_data(const Experiment& experiment) {
  DataProfile profile;
  profile.task = to_string(experiment.task);
  if (is_policy_optimisation(experiment)) {
    const auto base = load_fine_tuning_base(experiment);
    const auto data =
        load_prompt_data(experiment, base.tokenizer, run_chat_format(base.pretrained.model, base.tokenizer));
    profile.input_shape = {experiment.data.context_length};
    profile.vocab_size = profile.outputs = data.tokenizer->vocab_size();
    profile.train_samples = static_cast<std::int64_t>(data.train.size());
    return profile;
  }
  if (reads_preference_pairs(experiment)) {
    const auto base = load_fine_tuning_base(experiment);
    const auto data =
        load_preference_data(experiment, base.tokenizer, run_chat_format(base.pretrained.model, base.tokenizer));
    profile.input_shape = {experiment.data.context_length};
    profile.vocab_size = data.vocab_size();
    profile.outputs = is_reward_modelling(experiment) ? 1 : data.vocab_size();
    profile.train_samples = data.train.size();
    return profile;
  }
  if (is_fine_tuning(experiment)) {
    const auto base = load_fine_tuning_base(experiment);
    const auto data =
        load_dialogue_data(experiment, base.tokenizer, run_chat_format(base.pretrained.model, base.tokenizer));
    profile.input_shape = {experiment.data.context_length};
    profile.vocab_size = profile.outputs = data.vocab_size();
    profile.train_samples = data.train.size();
    return profile;
  }
  if (experiment.task == Task::LanguageModel) {
    const auto data = load_language_model_data(experiment);
    profile.input_shape = {experiment.data.context_length};
    profile.vocab_size = profile.outputs = data.vocab_size();
    profile.train_samples = data.train.size();
    return profile;
  }
  if (is_text_classification(experiment)) {
    const auto data = load_text_classification_data(experiment);
    profile.input_shape = {experiment.data.context_length};
    profile.vocab_size = data.vocab_size();
    profile.outputs = data.num_classes();
    profile.train_samples = data.train.size();
    take_classes(profile, data);
    return profile;
  }
  const auto data = load_classification_data_cached(experiment);
  profile.input_shape = data.input_shape;
  profile.category_sizes = data.category_sizes;
  profile.train_samples = data.train.size();
  if (experiment.task == Task::Regression) {
    profile.outputs = 1;
  } else {
    profile.outputs = data.num_classes();
    take_classes(profile, data);
  }
  return profile;
}

ModelSummary summarize_experiment_model(const Experiment& experiment, const DataProfile& data) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(experiment.seed);
  if (is_reward_modelling(experiment)) {
    auto model = build_reward_model(experiment.model, experiment.data.context_length, data.vocab_size);
    prepare_pretrained_tuning(model, experiment.model, experiment.train);  // LoRA: the adapters and the head train
    return summarize_model(model, data.input_shape);
  }
  if (is_text_classification(experiment)) {
    auto model = build_text_classifier(experiment.model, experiment.data.context_length, data.vocab_size, data.outputs);
    return summarize_model(model, data.input_shape);
  }
  auto model = build_model(experiment.model, data.input_shape, data.outputs, data.category_sizes);
  prepare_pretrained_tuning(model, experiment.model, experiment.train);  // LoRA: the adapters are what trains
  return summarize_model(model, data.input_shape);
}

TrainingMemory estimate_training_memory(const ModelSummary& model, const TrainSpec& train) {
  constexpr std::int64_t kFloat = 4;
  TrainingMemory memory;
  memory.weights = model.total_parameters * kFloat;
  memory.gradients = model.trainable_parameters * kFloat;
  memory.optimizer_state = model.trainable_parameters * kFloat * state_per_weight(train.optimizer, train.momentum);
  memory.activations = model.activations * train.batch_size * kFloat;
  return memory;
}

std::int64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<std::int64_t>(pages) * page : 0;
}

}  // namespace cradle
