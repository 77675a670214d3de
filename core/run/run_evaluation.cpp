#include "core/run/run_evaluation.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <sstream>

#include "core/align/direct_preference.h"
#include "core/align/response_scorer.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/data/classification_data.h"
#include "core/data/dialogue_data.h"
#include "core/data/language_model_data.h"
#include "core/data/preference_data.h"
#include "core/data/prompt_data.h"
#include "core/data/text_classification_data.h"
#include "core/eval/image_thumbnails.h"
#include "core/eval/preference_evaluation.h"
#include "core/eval/regression_evaluation.h"
#include "core/models/evaluation_mode.h"
#include "core/models/model_factory.h"
#include "core/models/reward_model.h"
#include "core/models/text_classifier.h"
#include "core/run/run_chat_format.h"
#include "core/run/run_folder.h"
#include "core/run/run_text_generator.h"
#include "core/run/run_weights.h"
#include "core/run/stages/base_run.h"
#include "core/text/chat_template.h"
#include "core/train/checkpoint.h"
#include "core/train/prediction_units.h"
#include "core/train/runtime.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// The beginnings of `count` records spread over a language model's split: the
// prepared text's records, or a mapped corpus's documents (their first ids decoded).
std::vector<std::string> record_starts(const LanguageModelData& data, const std::string& split, std::int64_t count) {
  std::vector<std::string> starts;
  if (data.token_corpus) {
    const auto& file = split == "train"        ? *data.token_corpus->train
                       : split == "validation" ? *data.token_corpus->validation
                                               : *data.token_corpus->test;
    const auto documents = static_cast<std::int64_t>(file.layout().documents);
    count = std::min(count, documents);
    for (std::int64_t i = 0; i < count; ++i) {
      const auto d = static_cast<std::uint64_t>(i * documents / count);
      const auto begin = file.document_start(d);
      starts.push_back(data.tokenizer->decode(file.tokens(begin, std::min(begin + 32, file.document_start(d + 1)))));
    }
    return starts;
  }
  const auto& records = split == "train"        ? data.text.train
                        : split == "validation" ? data.text.validation
                                                : data.text.test;
  count = std::min<std::int64_t>(count, static_cast<std::int64_t>(records.size()));
  for (std::int64_t i = 0; i < count; ++i)
    starts.push_back(records[static_cast<std::size_t>(i * static_cast<std::int64_t>(records.size()) / count)].text);
  return starts;
}

const TensorDataset& chosen_split(const DataSplits& data, const std::string& split) {
  if (split == "train") return data.train;
  if (split == "validation") {
    if (data.validation.size() == 0)
      throw ConfigError("split validation: this run has no validation split (data.validation_fraction is 0)");
    return data.validation;
  }
  return data.test;
}

std::vector<std::int64_t> to_vector(const torch::Tensor& t) {
  const auto c = t.to(torch::kInt64).cpu().contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

std::int64_t utf8_characters(const std::string& text) {
  return std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// Scores a classifier over the whole split; keeps every sample's prediction
// (for predictions.csv) and picks the samples to show.
void evaluate_classification(torch::nn::Sequential& model, const TensorDataset& dataset, std::int64_t batch_size,
                             torch::Device device, std::int64_t classes, const EvaluationRequest& request,
                             EvaluationResult& result) {
  // Top-k with k at least the class count is always 1: k stays below it.
  ClassificationMetrics metrics(classes, std::min(request.top_k, std::max<std::int64_t>(1, classes - 1)));
  double loss_sum = 0;
  const std::int64_t n = dataset.size();
  {
    torch::NoGradGuard no_grad;
    const EvaluationMode evaluation(*model);
    for (std::int64_t begin = 0; begin < n; begin += batch_size) {
      const auto batch = dataset.slice(begin, std::min(n, begin + batch_size));
      const auto logits = model->forward(batch.inputs.to(device)).to(torch::kFloat64);
      const auto targets = batch.targets.to(device);
      loss_sum += torch::nn::functional::cross_entropy(
                      logits, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                      .item<double>();
      const auto probabilities = torch::softmax(logits, 1).cpu().contiguous();
      const auto labels = to_vector(batch.targets);
      const double* p = probabilities.data_ptr<double>();
      metrics.add(std::vector<double>(p, p + probabilities.numel()), labels);
      for (std::size_t i = 0; i < labels.size(); ++i) {
        const double* row = p + i * static_cast<std::size_t>(classes);
        const auto predicted = static_cast<std::int64_t>(std::max_element(row, row + classes) - row);
        result.predictions.push_back({begin + static_cast<std::int64_t>(i), labels[i], predicted, row[predicted],
                                      labels[i] < classes ? row[labels[i]] : 0.0});
      }
    }
  }
  result.classification = metrics.report();
  result.samples = n;
  result.loss = n > 0 ? loss_sum / static_cast<double>(n) : 0;

  std::vector<Prediction> mistakes;
  for (const auto& p : result.predictions)
    if (p.predicted != p.label) mistakes.push_back(p);
  const auto shown = std::min<std::size_t>(mistakes.size(), static_cast<std::size_t>(request.confident_mistakes));
  std::partial_sort(mistakes.begin(), mistakes.begin() + static_cast<std::ptrdiff_t>(shown), mistakes.end(),
                    [](const Prediction& a, const Prediction& b) { return a.probability > b.probability; });
  for (std::size_t i = 0; i < shown; ++i) result.confident_mistakes.push_back({mistakes[i], "", ""});
  std::vector<std::int64_t> per_class(static_cast<std::size_t>(classes), 0);
  for (const auto& p : result.predictions)
    if (p.label >= 0 && p.label < classes && per_class[static_cast<std::size_t>(p.label)]++ < request.samples_per_class)
      result.class_samples.push_back({p, "", ""});
  std::stable_sort(
      result.class_samples.begin(), result.class_samples.end(),
      [](const InspectedSample& a, const InspectedSample& b) { return a.prediction.label < b.prediction.label; });
}

// What each shown sample looked like: a thumbnail or its text.
void describe_samples(EvaluationResult& result, const std::function<void(InspectedSample&)>& describe) {
  for (auto& s : result.confident_mistakes) describe(s);
  for (auto& s : result.class_samples) describe(s);
}

void evaluate_regression(torch::nn::Sequential& model, const TensorDataset& dataset, std::int64_t batch_size,
                         torch::Device device, const Experiment& experiment, const DataSplits& data,
                         EvaluationResult& result) {
  RegressionMetrics metrics;
  double loss_sum = 0;
  const std::int64_t n = dataset.size();
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(*model);
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    const auto batch = dataset.slice(begin, std::min(n, begin + batch_size));
    const auto outputs = model->forward(batch.inputs.to(device)).reshape({-1}).to(torch::kFloat64);
    const auto targets = batch.targets.to(device).to(torch::kFloat64);
    loss_sum +=
        regression_loss(experiment.train.loss, outputs, targets).item<double>() * static_cast<double>(targets.size(0));
    // Standardised units back to the target's own.
    const auto predicted = (outputs * data.target_std + data.target_mean).cpu().contiguous();
    const auto truth = (targets * data.target_std + data.target_mean).cpu().contiguous();
    const std::vector<double> p(predicted.data_ptr<double>(), predicted.data_ptr<double>() + predicted.numel());
    const std::vector<double> t(truth.data_ptr<double>(), truth.data_ptr<double>() + truth.numel());
    metrics.add(p, t);
    for (std::size_t i = 0; i < p.size(); ++i)
      result.regression_points.push_back({begin + static_cast<std::int64_t>(i), t[i], p[i]});
  }
  result.regression = metrics.report();
  result.samples = n;
  result.loss = n > 0 ? loss_sum / static_cast<double>(n) : 0;
}

// A prompt for the report's generated text: as shown, and as token ids.
// The generation settings in words, for the report.
std::string describe_sampling(const SamplingOptions& s) {
  std::ostringstream words;
  words << "up to " << s.max_new_tokens << " tokens, ";
  if (s.temperature == 0)
    words << "greedy";
  else
    words << "temperature " << s.temperature << ", top-k " << s.top_k << ", top-p " << s.top_p;
  if (s.repetition_penalty != 1) words << ", repetition penalty " << s.repetition_penalty;
  words << ", seed " << s.seed << " (+ prompt number)";
  return words.str();
}

struct ReportPrompt {
  std::string text;
  std::vector<std::int64_t> ids;
};

void evaluate_language_model(torch::nn::Sequential& model, std::shared_ptr<const Tokenizer> tokenizer,
                             const TensorDataset& dataset, const std::vector<ReportPrompt>& prompts,
                             const Experiment& experiment, torch::Device device, const EvaluationRequest& request,
                             EvaluationResult& result, const std::vector<std::int64_t>& end_ids = {kEosId}) {
  LanguageModelMetrics metrics;
  const std::int64_t n = dataset.size(), batch_size = experiment.eval.batch_size;
  {
    torch::NoGradGuard no_grad;
    const EvaluationMode evaluation(*model);
    for (std::int64_t begin = 0; begin < n; begin += batch_size) {
      const auto batch = dataset.slice(begin, std::min(n, begin + batch_size));
      const auto logits = model->forward(batch.inputs.to(device)).to(torch::kFloat32);  // [B, T, V]
      const auto targets = batch.targets.to(device);
      // Fine-tuning data marks prompt and padding positions as not predicted: they are left out.
      const auto [flat_logits, flat_targets] = flatten_predictions(logits, targets);
      const double nats =
          torch::nn::functional::cross_entropy(flat_logits, flat_targets,
                                               torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
              .to(torch::kFloat64)
              .item<double>();
      const auto correct = flat_logits.argmax(1).eq(flat_targets).sum().item<std::int64_t>();
      std::int64_t characters = 0;
      const auto rows = batch.targets.cpu();
      for (std::int64_t r = 0; r < rows.size(0); ++r) {
        const auto row = rows[r];
        characters +=
            utf8_characters(tokenizer->decode(to_vector(row.index_select(0, row.ge(0).nonzero().squeeze(1)))));
      }
      metrics.add(nats, flat_targets.numel(), correct, characters, rows.size(0));
    }
  }
  result.language_model = metrics.report();
  result.samples = n;
  result.loss = result.language_model->cross_entropy;

  TextGenerator generator(model, std::move(tokenizer), experiment.data.context_length);
  generator.end_at(end_ids);
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    SamplingOptions options = request.sampling;
    options.seed += static_cast<std::uint64_t>(i);
    const auto generation = generator.generate_from(prompts[i].ids, options);
    result.generations.push_back({prompts[i].text, generation.text, generation.finish_reason,
                                  static_cast<std::int64_t>(generation.tokens.size()), generation.tokens_per_second,
                                  std::nullopt});
  }
  result.sampling = describe_sampling(request.sampling);
}

std::optional<double> training_report_accuracy(const RunFolder& run) {
  if (!fs::exists(run.report_file())) return std::nullopt;
  const Json report = parse_json_text(read_file(run.report_file()), run.report_file().string());
  const auto accuracy = report.value("/metrics/test/accuracy"_json_pointer, Json());
  if (accuracy.is_number()) return accuracy.get<double>();
  return std::nullopt;
}

// The class list of training: it decides the output layer (a split may lack a class).
std::vector<std::string> trained_class_names(const RunFolder& run, std::vector<std::string> loaded) {
  if (!fs::exists(run.report_file())) return loaded;
  const Json report = parse_json_text(read_file(run.report_file()), run.report_file().string());
  if (report.contains("class_names") && report["class_names"].is_array() && !report["class_names"].empty())
    return report["class_names"].get<std::vector<std::string>>();
  return loaded;
}

// What evaluating a run needs at every stage: the request, the run and its
// frozen experiment, the device and the weights file chosen.
struct RunUnderEvaluation {
  const EvaluationRequest& request;
  const RunFolder& run;
  const Experiment& experiment;
  torch::Device device;
  fs::path weights;

  // A model of the run's spec with its weights, on the device.
  torch::nn::Sequential loaded(torch::nn::Sequential model) const {
    load_weights_file(weights, *model);
    model->to(device);
    return model;
  }
  // The model as the request wants it evaluated (the quantised variant of a comparison, say).
  torch::nn::Sequential prepared(torch::nn::Sequential model, const TensorDataset& split) const {
    return request.prepare_model ? request.prepare_model(std::move(model), split) : model;
  }
  std::int64_t batch_size() const { return experiment.eval.batch_size; }
  std::shared_ptr<const Tokenizer> tokenizer() const { return load_tokenizer(run.tokenizer_file()); }
  PreferenceData preference_data() const {
    auto tokenizer = this->tokenizer();
    auto format = run_chat_format(experiment.model, tokenizer);
    return load_preference_data(experiment, std::move(tokenizer), std::move(format));
  }
};

void evaluate_reward_model(const RunUnderEvaluation& e, EvaluationResult& result) {
  const auto data = e.preference_data();
  auto model = e.loaded(build_reward_model(e.experiment.model, e.experiment.data.context_length, data.vocab_size()));
  const RewardHeadScorer scorer(e.experiment.align.margin);
  result.preferences =
      evaluate_preferences(scorer, model, chosen_split(data, e.request.split), e.batch_size(), e.device);
  result.samples = result.preferences->pairs;
  result.loss = result.preferences->loss;
}

// The policy's implicit rewards against the reference it started from (model/reference.pt).
void evaluate_direct_preference_policy(const RunUnderEvaluation& e, EvaluationResult& result) {
  const auto data = e.preference_data();
  auto model = build_model(e.experiment.model, {e.experiment.data.context_length}, data.vocab_size(), {});
  auto reference =
      load_run_reference(e.experiment, e.run.reference_file(), {e.experiment.data.context_length}, data.vocab_size());
  load_weights_file(e.weights, *model);
  model->to(e.device);
  reference->to(e.device);
  const DirectPreferenceScorer scorer(reference, e.experiment.align.beta, e.experiment.align.label_smoothing);
  result.preferences =
      evaluate_preferences(scorer, model, chosen_split(data, e.request.split), e.batch_size(), e.device);
  result.samples = result.preferences->pairs;
  result.loss = result.preferences->loss;
}

// A PPO policy has no reference replies to score against: it answers every
// prompt of the split, and its stage's reward scores the answers.
void evaluate_ppo_policy(const RunUnderEvaluation& e, EvaluationResult& result) {
  const EvaluationRequest& request = e.request;
  const auto data = load_prompt_data(e.experiment, e.tokenizer(), run_chat_format(e.experiment.model, e.tokenizer()));
  auto model =
      e.loaded(build_model(e.experiment.model, {e.experiment.data.context_length}, data.tokenizer->vocab_size(), {}));
  const auto scorer = make_response_scorer(e.experiment, e.device);
  const auto& prompts = request.split == "train"        ? data.train
                        : request.split == "validation" ? data.validation
                                                        : data.test;
  if (prompts.empty()) throw ConfigError("split " + request.split + ": this run has no " + request.split + " prompts");
  TextGenerator generator =
      model_text_generator(model, data.tokenizer, e.experiment.data.context_length, e.experiment.model);
  generator.end_at(data.format->end_ids());
  std::vector<std::vector<ChatMessage>> conversations;
  std::vector<std::string> replies;
  PolicyScores policy;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    SamplingOptions options = request.sampling;
    options.seed += static_cast<std::uint64_t>(i);
    auto generation = generator.generate_from(data.format->prompt(prompts[i].messages), options);
    if (!generation.text.empty() && generation.text.front() == ' ') generation.text.erase(0, 1);  // after the marker
    policy.ended_turn += generation.finish_reason == "end_of_text" ? 1 : 0;
    policy.response_tokens += static_cast<double>(generation.tokens.size());
    if (static_cast<std::int64_t>(result.generations.size()) < request.prompts)
      result.generations.push_back({"user: " + prompts[i].messages.back().content + "\nassistant: ", generation.text,
                                    generation.finish_reason, static_cast<std::int64_t>(generation.tokens.size()),
                                    generation.tokens_per_second, std::nullopt});
    conversations.push_back(prompts[i].messages);
    replies.push_back(std::move(generation.text));
  }
  const auto scores = scorer->score(conversations, replies);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    policy.score += scores[i];
    if (i < result.generations.size()) result.generations[i].score = scores[i];
  }
  const auto n = static_cast<double>(prompts.size());
  policy.score /= n;
  policy.ended_turn /= n;
  policy.response_tokens /= n;
  policy.prompts = static_cast<std::int64_t>(prompts.size());
  policy.reward = scorer->description();
  result.policy = policy;
  result.samples = policy.prompts;
  result.loss = -policy.score;
  result.sampling = describe_sampling(request.sampling);
}

void evaluate_fine_tuned_model(const RunUnderEvaluation& e, EvaluationResult& result) {
  const auto data = load_dialogue_data(e.experiment, e.tokenizer(), run_chat_format(e.experiment.model, e.tokenizer()));
  auto model = e.loaded(build_model(e.experiment.model, {e.experiment.data.context_length}, data.vocab_size(), {}));
  // Prompts: conversations of the split without their last reply.
  const std::string& split = e.request.split;
  const auto& dialogues = split == "train"        ? data.train_dialogues
                          : split == "validation" ? data.validation_dialogues
                                                  : data.test_dialogues;
  std::vector<ReportPrompt> prompts;
  for (std::size_t i = 0; i < dialogues.size() && static_cast<std::int64_t>(prompts.size()) < e.request.prompts; ++i) {
    auto messages = dialogues[i].messages;
    messages.pop_back();
    prompts.push_back({"user: " + messages.back().content + "\nassistant:", data.format->prompt(messages)});
  }
  evaluate_language_model(model, data.tokenizer, chosen_split(data, split), prompts, e.experiment, e.device, e.request,
                          result, data.format->end_ids());
}

void evaluate_pretrained_language_model(const RunUnderEvaluation& e, EvaluationResult& result) {
  // The run's own tokenizer: a fresh one could number the tokens differently.
  const auto data = load_language_model_data(e.experiment, e.tokenizer());
  auto model = e.loaded(build_model(e.experiment.model, {e.experiment.data.context_length}, data.vocab_size(), {}));
  // Prompts: the first words of records (a token corpus's documents) spread over the split.
  const std::vector<std::string> starts = record_starts(data, e.request.split, e.request.prompts);
  std::vector<ReportPrompt> prompts;
  for (const auto& start : starts) {
    std::istringstream words(start);
    std::string prompt, word;
    for (int w = 0; w < 4 && words >> word; ++w) prompt += (prompt.empty() ? "" : " ") + word;
    prompts.push_back({prompt, document_prompt_ids(*data.tokenizer, prompt)});
  }
  const TensorDataset& split = chosen_split(data, e.request.split);
  model = e.prepared(model, split);
  const auto document_end = data.tokenizer->document_end_id();
  evaluate_language_model(model, data.tokenizer, split, prompts, e.experiment, e.device, e.request, result,
                          document_end ? std::vector{*document_end} : std::vector<std::int64_t>{});
}

void evaluate_text_classifier(const RunUnderEvaluation& e, EvaluationResult& result) {
  const auto data = load_text_classification_data(e.experiment, e.tokenizer());
  result.class_names = trained_class_names(e.run, data.class_names);
  const auto classes = static_cast<std::int64_t>(result.class_names.size());
  auto model =
      e.loaded(build_text_classifier(e.experiment.model, e.experiment.data.context_length, data.vocab_size(), classes));
  const auto& dataset = chosen_split(data, e.request.split);
  model = e.prepared(model, dataset);
  evaluate_classification(model, dataset, e.batch_size(), e.device, classes, e.request, result);
  describe_samples(result, [&](InspectedSample& s) {
    s.text = data.tokenizer->decode(to_vector(dataset.inputs[s.prediction.index]));
  });
  if (e.request.keep_sample_views)
    for (std::int64_t i = 0; i < dataset.size(); ++i)
      result.sample_views.push_back(data.tokenizer->decode(to_vector(dataset.inputs[i])));
}

void evaluate_image_or_table_model(const RunUnderEvaluation& e, EvaluationResult& result) {
  const auto data =
      load_classification_data(e.experiment, e.request.split == "test" ? SplitsToLoad::TestOnly : SplitsToLoad::All);
  const auto& dataset = chosen_split(data, e.request.split);
  if (e.experiment.task == Task::Regression) {
    auto model =
        e.prepared(e.loaded(build_model(e.experiment.model, data.input_shape, 1, data.category_sizes)), dataset);
    evaluate_regression(model, dataset, e.batch_size(), e.device, e.experiment, data, result);
    return;
  }
  result.class_names = trained_class_names(e.run, data.class_names);
  const auto classes = static_cast<std::int64_t>(result.class_names.size());
  auto model =
      e.prepared(e.loaded(build_model(e.experiment.model, data.input_shape, classes, data.category_sizes)), dataset);
  evaluate_classification(model, dataset, e.batch_size(), e.device, classes, e.request, result);
  if (data.input_shape.size() != 3) return;  // images below
  describe_samples(result, [&](InspectedSample& s) {
    s.png = image_png(dataset.inputs[s.prediction.index], data.normalize_mean, data.normalize_std);
  });
  if (e.request.keep_sample_views)
    for (std::int64_t i = 0; i < dataset.size(); ++i)
      result.sample_views.push_back(image_png(dataset.inputs[i], data.normalize_mean, data.normalize_std, 28));
}

}  // namespace

SamplingOptions EvaluationRequest::default_report_sampling() {
  SamplingOptions s;
  s.max_new_tokens = 64;
  s.temperature = 0.8;
  s.top_k = 40;
  s.top_p = 0.95;
  s.repetition_penalty = 1.1;
  return s;
}

EvaluationResult evaluate_run(const EvaluationRequest& request) {
  if (request.split != "train" && request.split != "validation" && request.split != "test")
    throw ConfigError("split \"" + request.split + "\": expected train, validation or test");
  check_sampling_options(request.sampling);
  const auto started = std::chrono::steady_clock::now();
  const RunFolder run = open_run_folder(request.run_dir);
  const Experiment experiment = load_experiment(run.experiment_file());
  configure_runtime(experiment.threads);
  const RunUnderEvaluation evaluated{request, run, experiment, resolve_device(experiment.device),
                                     resolve_checkpoint(run.root, request.checkpoint)};

  EvaluationResult result;
  result.run = run.root.string();
  result.experiment = experiment.name;
  result.task = experiment.task;
  result.model_type = experiment.model.type;
  result.split = request.split;
  result.checkpoint = request.checkpoint;
  result.weights_file = evaluated.weights.string();
  result.evaluated_at = utc_timestamp();
  switch (experiment.stage) {
    case Stage::Reward: evaluate_reward_model(evaluated, result); break;
    case Stage::Dpo: evaluate_direct_preference_policy(evaluated, result); break;
    case Stage::Ppo: evaluate_ppo_policy(evaluated, result); break;
    case Stage::Sft: evaluate_fine_tuned_model(evaluated, result); break;
    case Stage::Pretrain:
    case Stage::Prune:
    case Stage::Distill:
      if (experiment.task == Task::LanguageModel)
        evaluate_pretrained_language_model(evaluated, result);
      else if (is_text_classification(experiment))
        evaluate_text_classifier(evaluated, result);
      else
        evaluate_image_or_table_model(evaluated, result);
      break;
  }
  if (request.split == "test" && experiment.task != Task::Regression)
    result.training_report_accuracy = training_report_accuracy(run);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace cradle
