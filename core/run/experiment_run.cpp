#include "core/run/experiment_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <thread>

#include "core/align/direct_preference.h"
#include "core/align/policy_value_model.h"
#include "core/align/ppo_trainer.h"
#include "core/align/response_scorer.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/compress/channel_pruning.h"
#include "core/compress/distillation.h"
#include "core/compress/int8_weights.h"
#include "core/compress/magnitude_pruning.h"
#include "core/data/classification_data.h"
#include "core/data/data_cache.h"
#include "core/distributed/data_parallel_group.h"
#include "core/data/image_augmentation.h"
#include "core/data/dialogue_data.h"
#include "core/data/preference_data.h"
#include "core/data/prompt_data.h"
#include "core/data/language_model_data.h"
#include "core/data/text_classification_data.h"
#include "core/eval/preference_evaluation.h"
#include "core/eval/text_generation.h"
#include "core/models/model_factory.h"
#include "core/models/model_inspection.h"
#include "core/models/reward_model.h"
#include "core/models/text_classifier.h"
#include "core/run/compression_comparison.h"
#include "core/run/log_writer.h"
#include "core/run/metrics_writer.h"
#include "core/run/fine_tuning_base.h"
#include "core/run/run_weights.h"
#include "core/run/sample_snapshots.h"
#include "core/train/autocast.h"
#include "core/train/checkpoint.h"
#include "core/train/layer_selection.h"
#include "core/train/runtime.h"
#include "core/train/trainer.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// Keeps the last evaluation of each split, for the report.
class FinalMetrics : public TrainingObserver {
 public:
  void on_evaluation(const EvaluationMetrics& m) override {
    if (m.split == "validation" && m.step == 0) before_training = m;  // PPO answers before it trains
    (m.split == "test" ? test : validation) = m;
  }
  std::optional<EvaluationMetrics> before_training, validation, test;
};

Json scores_json(const EvaluationMetrics& m, bool language_model) {
  if (!m.extra.empty()) {  // PPO: the responses' mean score, KL to the reference, length
    Json scores = Json::object();
    for (const auto& [key, value] : m.extra) scores[key] = value;
    scores["ended_turn"] = m.accuracy;
    scores["samples"] = m.samples;
    scores["epoch"] = m.epoch;
    return scores;
  }
  if (m.mae)  // regression, in target units
    return Json{{"loss", m.loss},       {"mse", m.rmse.value_or(0) * m.rmse.value_or(0)},
                {"rmse", *m.rmse},      {"mae", *m.mae},
                {"r2", m.r2.value_or(0)}, {"samples", m.samples}, {"epoch", m.epoch}};
  Json scores = {{"loss", m.loss}, {"accuracy", m.accuracy}, {"samples", m.samples}, {"epoch", m.epoch}};
  if (m.reward_gap) {  // a reward model or DPO: accuracy is the share of pairs ordered right
    scores["reward_gap"] = *m.reward_gap;
    scores["chosen_reward"] = m.chosen_reward.value_or(0);
    scores["rejected_reward"] = m.rejected_reward.value_or(0);
    if (m.chosen_logprob) scores["chosen_logprob"] = *m.chosen_logprob;
    if (m.rejected_logprob) scores["rejected_logprob"] = *m.rejected_logprob;
    return scores;
  }
  if (language_model) scores["perplexity"] = std::exp(m.loss);  // the loss is the mean per-token cross-entropy
  return scores;
}

}  // namespace

struct ExperimentRun::State {
  Experiment experiment;  // frozen copy, absolute paths
  RunFolder folder;
  int threads = 1;
  torch::Device device = torch::kCPU;
  ClassificationData data;       // task "classification" on images or tables, "regression"
  TextClassificationData text_classes;  // task "classification" on text
  LanguageModelData text_data;   // task "language_model", stage "pretrain"
  DialogueData dialogues;        // task "language_model", stage "sft"
  PreferenceData preferences;    // task "language_model", stages "reward" and "dpo"
  PromptData prompts;            // task "language_model", stage "ppo"
  std::shared_ptr<const Tokenizer> tokenizer;  // text tasks
  const DataSplits* splits = nullptr;
  torch::nn::Sequential model{nullptr};
  std::unique_ptr<PairScorer> pair_scorer;  // stages "reward" and "dpo"
  torch::nn::Sequential reference{nullptr};  // stages "dpo" and "ppo": the frozen starting policy
  std::unique_ptr<ResponseScorer> response_scorer;  // stage "ppo"
  std::unique_ptr<ImageAugmenter> augmenter;
  CacheOutcome cache = CacheOutcome::Off;  // classification data; language models keep theirs in text_data
  ModelSummary summary;
  std::vector<TrainingObserver*> observers;
  std::unique_ptr<MetricsWriter> metrics;
  std::unique_ptr<LogWriter> log;
  std::unique_ptr<SampleSnapshots> samples;  // images and language models with a validation split
  fs::path resume_from;  // empty for a new run
  std::vector<std::int64_t> input_shape;  // what build_model was given (a compression stage rebuilds the original)
  std::int64_t outputs = 0;
  Experiment teacher;  // stage distill: the teacher run's frozen experiment
  std::vector<PrunedLayer> pruned_channels;  // stage prune, method channels: what was removed (a new run)
  std::unique_ptr<Distiller> distiller;
  DataParallelGroup* group = nullptr;  // data-parallel runs
  bool writes = true;                  // a single process or rank 0: the one that writes the run folder
  std::function<double(std::int64_t)> learning_rate_override;  // the range test
  // Transfer learning (plain training with init_from): the weights file read and the tensors it did not fill.
  std::filesystem::path transfer_weights;
  std::int64_t transferred = 0;
  std::vector<std::string> not_transferred;

  void write_log(const std::string& line) {
    if (log) log->write(line);
  }
  // This run as a compression stage's result, compared with `original_run` (its build_original still to set).
  CompressedRun compressed_run(const fs::path& original_run) const {
    CompressedRun run(experiment, splits->test);
    run.model = model;
    run.weights = folder.model_file();
    run.device = device;
    run.original_run = original_run;
    run.target_std = data.target_std;
    return run;
  }
};

namespace {

// The weights a transfer starts from: a bundle folder's model/model.pt, or a run's last weights.
fs::path transfer_weights_file(const std::string& init_from) {
  const fs::path source = init_from;
  if (source.extension() == ".cradle")
    throw ConfigError("init_from: " + init_from + " is a packed bundle; unpack it (unzip) and name the folder");
  const fs::path weights = fs::exists(source / "bundle.json") ? source / "model" / "model.pt" : resolve_checkpoint(source, "last");
  if (!fs::exists(weights)) throw IoError("init_from: " + weights.string() + ": no such file");
  if (is_int8_weights_file(weights))
    throw ConfigError("init_from: " + init_from + " holds int8 weights (a quantised run); start from the run it was made from");
  return weights;
}

// Marks the report failed with `reason`. Writing it may fail in turn (the disk
// that failed training is still full): the original error is the one to tell.
void record_failure(const fs::path& report_file, Json report, const std::string& reason) {
  report["status"] = "failed";
  report["error"] = reason;
  report["finished_at"] = utc_timestamp();
  try {
    write_text_atomically(report_file, report.dump(2) + "\n");
  } catch (const std::exception&) {
  }
}

// When the run in `folder` first started, from the report its stopped part wrote.
std::optional<std::string> first_start(const RunFolder& folder) {
  try {
    const Json report = Json::parse(read_file(folder.report_file()));
    if (report.contains("started_at") && report["started_at"].is_string()) return report["started_at"].get<std::string>();
  } catch (const std::exception&) {  // no report (a killed run) or a damaged one: the resume's own time
  }
  return std::nullopt;
}

// The checkpoint written last, best.pt aside (it is not where training stood).
fs::path newest_checkpoint(const fs::path& dir) {
  fs::path newest;
  fs::file_time_type newest_time{};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".pt" || name == "best.pt" || name.front() == '.') continue;
    const auto time = entry.last_write_time(ec);
    if (!ec && (newest.empty() || time > newest_time)) newest = entry.path(), newest_time = time;
  }
  if (newest.empty()) throw IoError(dir.string() + ": no checkpoint to resume from");
  return newest;
}

// Does the fine-tuned model answer and end its turn? Greedy replies to up to 20
// test conversations (the last reply held back), each allowed 3 times its
// reference reply's tokens (at least 8).
Json reply_check(torch::nn::Sequential& model, const DialogueData& d, std::int64_t context_length) {
  SamplingOptions options;
  options.temperature = 0;
  std::int64_t ended = 0, count = 0;
  Json examples = Json::array();
  for (const auto& dialogue : d.test_dialogues) {
    if (count == 20) break;
    auto messages = dialogue.messages;
    const std::string reference = messages.back().content;
    messages.pop_back();
    options.max_new_tokens = std::max<std::int64_t>(8, 3 * static_cast<std::int64_t>(d.tokenizer->encode(reference).size()));
    const auto prompt = render_chat_prompt(*d.tokenizer, d.markers, messages);
    const auto reply = generate_tokens(model, prompt, context_length, options);
    const bool ends = !reply.empty() && reply.back() == d.markers.end_of_turn;
    ended += ends ? 1 : 0;
    ++count;
    if (examples.size() < 5) {
      std::string text = continuation_text(*d.tokenizer, prompt, reply);
      if (!text.empty() && text.front() == ' ') text.erase(0, 1);  // the word boundary after the marker
      examples.push_back({{"prompt", messages.back().content},
                          {"reply", text},
                          {"reference", reference},
                          {"ended_turn", ends}});
    }
  }
  return Json{{"test_conversations", count},
              {"ended_turn", count > 0 ? static_cast<double>(ended) / static_cast<double>(count) : 0.0},
              {"examples", examples}};
}

}  // namespace

std::unique_ptr<ExperimentRun> ExperimentRun::resume(const fs::path& run_dir, std::int64_t epochs, DataParallelGroup* group) {
  const RunFolder folder = open_run_folder(run_dir);
  Experiment experiment = load_experiment(folder.experiment_file());
  if (epochs > 0) experiment.train.epochs = epochs;
  // A process killed while writing a checkpoint or the report left its temporary file.
  for (const auto& dir : {folder.root, folder.checkpoint_dir()}) remove_abandoned_temporaries(dir);
  const fs::path checkpoint = newest_checkpoint(folder.checkpoint_dir());
  return std::unique_ptr<ExperimentRun>(new ExperimentRun(experiment, run_dir, checkpoint, group));
}

ExperimentRun::ExperimentRun(const Experiment& experiment, const fs::path& run_dir, DataParallelGroup* group)
    : ExperimentRun(experiment, run_dir, fs::path(), group) {}

ExperimentRun::ExperimentRun(const Experiment& experiment, const fs::path& run_dir, const fs::path& resume_from,
                             DataParallelGroup* group)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  const bool resuming = !resume_from.empty();
  s.resume_from = resume_from;
  s.group = group;
  s.writes = !group || group->is_main();
  if (group && is_policy_optimisation(experiment))
    throw ConfigError("stage \"ppo\" trains in one process (its rollouts are not sharded between ranks); run it without "
                      "--nproc or WORLD_SIZE");
  if (!resuming && s.writes) check_run_folder_is_free(run_dir);  // before spending time on the data
  s.experiment = with_absolute_paths(experiment);
  // Processes sharing a machine share its cores, unless the experiment names a thread count.
  const int local_processes = group ? group->config().local_world_size : 1;
  s.threads = configure_runtime(s.experiment.threads == 0 && local_processes > 1
                                    ? threads_per_local_process(static_cast<int>(std::thread::hardware_concurrency()), local_processes)
                                    : s.experiment.threads);
  s.device = resolve_device(s.experiment.device);
  // Data is checked before the folder is made, so a bad data file leaves nothing behind.
  const bool fine_tuning = is_fine_tuning(s.experiment);
  const bool reward_model = is_reward_modelling(s.experiment);
  const bool dpo = is_direct_preference(s.experiment);
  const bool ppo = is_policy_optimisation(s.experiment);
  const bool preference_pairs = reward_model || dpo;
  const bool distill = is_distillation(s.experiment);
  const bool language_model =
      s.experiment.task == "language_model" && (s.experiment.stage == "pretrain" || distill);
  const bool text_classes = is_text_classification(s.experiment);
  // A resumed run keeps its own tokenizer: the model's embedding rows are its token ids.
  // So does every rank after the first: rank 0 has saved the tokenizer it made or took over.
  std::shared_ptr<const Tokenizer> saved_tokenizer;
  if ((resuming || !s.writes) && (s.experiment.task == "language_model" || text_classes))
    saved_tokenizer = load_tokenizer(RunFolder{run_dir}.tokenizer_file());
  // Fine-tuning keeps the pretrained run's model, tokenizer and weights (a
  // resumed one has them in its own folder and checkpoint).
  fs::path base_weights;
  ModelSpec base_model;
  if ((fine_tuning || preference_pairs || ppo) && !resuming) {
    const FineTuningBase base = load_fine_tuning_base(s.experiment);
    if (!s.experiment.model_inherited &&
        model_spec_to_json(s.experiment.model, "language_model") != model_spec_to_json(base.pretrained.model, "language_model"))
      throw ConfigError("model: differs from the pretrained run's " +
                        model_spec_to_json(base.pretrained.model, "language_model").dump() +
                        "; fine-tuning keeps the pretrained model: leave the model section out");
    if (reward_model && base.pretrained.model.type != "gpt")
      throw ConfigError("init_from: the reward model is built on a GPT's trunk; " + s.experiment.init_from + " holds a " +
                        base.pretrained.model.type);
    if ((dpo || ppo) && base.pretrained.model.type != "gpt")
      throw ConfigError("init_from: " + std::string(dpo ? "DPO" : "PPO") + " tunes a GPT; " + s.experiment.init_from +
                        " holds a " + base.pretrained.model.type);
    s.experiment.model = base_model = base.pretrained.model;
    s.experiment.model_inherited = false;  // the frozen experiment names it, so the run stands alone
    base_weights = base.weights;
    if (!saved_tokenizer) saved_tokenizer = base.tokenizer;
  }
  // Transfer learning on text: the source's tokenizer, so that its token ids mean what its weights learnt.
  if (s.experiment.stage == "pretrain" && !s.experiment.init_from.empty() && !resuming && !saved_tokenizer &&
      (s.experiment.task == "language_model" || text_classes) && fs::exists(RunFolder{s.experiment.init_from}.tokenizer_file()))
    saved_tokenizer = load_tokenizer(RunFolder{s.experiment.init_from}.tokenizer_file());
  // A student reads the teacher's data through the teacher's tokenizer: the same token ids, the same next-token classes.
  if (distill) {
    s.teacher = load_experiment(open_run_folder(s.experiment.compress.teacher).experiment_file());
    if (s.teacher.task != s.experiment.task || is_text_classification(s.teacher) != is_text_classification(s.experiment))
      throw ConfigError("compress.teacher: " + s.experiment.compress.teacher + " is a task \"" + s.teacher.task + "\" run on " +
                        s.teacher.data.source + " data; the student's task is \"" + s.experiment.task + "\" on " +
                        s.experiment.data.source);
    if (language_model) {
      if (s.teacher.data.context_length < s.experiment.data.context_length)
        throw ConfigError("data.context_length: " + std::to_string(s.experiment.data.context_length) +
                          " is longer than the teacher's " + std::to_string(s.teacher.data.context_length));
      if (!saved_tokenizer) saved_tokenizer = load_tokenizer(RunFolder{s.experiment.compress.teacher}.tokenizer_file());
    }
  }
  // A pruned run keeps the model and weights of the run it starts from.
  if (is_pruning(s.experiment) && !resuming) {
    const Experiment original = load_experiment(open_run_folder(s.experiment.init_from).experiment_file());
    if (original.task != s.experiment.task || is_text_classification(original))
      throw ConfigError("init_from: " + s.experiment.init_from + " is a task \"" + original.task + "\" run on " +
                        original.data.source + " data; stage \"prune\" of task \"" + s.experiment.task +
                        "\" needs an image or table run of the same task");
    if (!s.experiment.model_inherited &&
        model_spec_to_json(s.experiment.model, original.task) != model_spec_to_json(original.model, original.task))
      throw ConfigError("model: differs from " + s.experiment.init_from + "'s " +
                        model_spec_to_json(original.model, original.task).dump() +
                        "; a pruned run keeps the model of the run it starts from: leave the model section out");
    s.experiment.model = original.model;
    s.experiment.model_inherited = false;  // the frozen experiment names it, so the run stands alone
    base_weights = resolve_checkpoint(s.experiment.init_from, "last");
  }
  std::vector<std::int64_t> input_shape;
  std::int64_t outputs = 0;
  const PreparedText* text = nullptr;
  if (ppo) {
    if (s.experiment.align.max_new_tokens >= s.experiment.data.context_length)
      throw ConfigError("align.max_new_tokens: " + std::to_string(s.experiment.align.max_new_tokens) +
                        " leaves no room for the prompt in data.context_length " +
                        std::to_string(s.experiment.data.context_length));
    s.prompts = load_prompt_data(s.experiment, saved_tokenizer);
    s.tokenizer = s.prompts.tokenizer;
    input_shape = {s.experiment.data.context_length};
    outputs = s.tokenizer->vocab_size();
    s.response_scorer = make_response_scorer(s.experiment, s.device);  // a bad reward run fails before the folder exists
  } else if (preference_pairs) {
    s.preferences = load_preference_data(s.experiment, saved_tokenizer);
    s.splits = &s.preferences;
    s.tokenizer = s.preferences.tokenizer;
    input_shape = {s.experiment.data.context_length};
    outputs = reward_model ? 1 : s.preferences.vocab_size();
  } else if (fine_tuning) {
    s.dialogues = load_dialogue_data(s.experiment, saved_tokenizer);
    s.splits = &s.dialogues;
    s.tokenizer = s.dialogues.tokenizer;
    input_shape = {s.experiment.data.context_length};
    outputs = s.dialogues.vocab_size();
  } else if (language_model) {
    s.text_data = load_language_model_data(s.experiment, saved_tokenizer);
    s.splits = &s.text_data;
    s.tokenizer = s.text_data.tokenizer;
    text = &s.text_data.text;
    input_shape = {s.experiment.data.context_length};
    outputs = s.text_data.vocab_size();
  } else if (text_classes) {
    s.text_classes = load_text_classification_data(s.experiment, saved_tokenizer);
    s.splits = &s.text_classes;
    s.tokenizer = s.text_classes.tokenizer;
    text = &s.text_classes.text;
    input_shape = s.text_classes.input_shape;
    outputs = s.text_classes.num_classes();
  } else {
    s.data = load_classification_data_cached(s.experiment, &s.cache);
    s.splits = &s.data;
    input_shape = s.data.input_shape;
    outputs = s.experiment.task == "regression" ? 1 : s.data.num_classes();
  }
  // The frozen experiment records the values "auto" resolved to, so evaluating
  // the run later normalises exactly as training did, without the training data.
  const bool computed = s.experiment.data.normalize_auto;
  if (computed) {
    s.experiment.data.normalize_auto = false;
    s.experiment.data.normalize_mean = s.data.normalize_mean;
    s.experiment.data.normalize_std = s.data.normalize_std;
  }
  if (!s.experiment.data.augment.empty())
    s.augmenter = std::make_unique<ImageAugmenter>(s.experiment.data.augment, s.data.normalize_mean, s.data.normalize_std,
                                                   s.experiment.seed);
  torch::manual_seed(s.experiment.seed);
  if (reward_model)
    s.model = build_reward_model(s.experiment.model, input_shape.at(0), s.preferences.vocab_size());
  else if (text_classes)
    s.model = build_text_classifier(s.experiment.model, input_shape.at(0), s.text_classes.vocab_size(), outputs);
  else
    s.model = build_model(s.experiment.model, input_shape, outputs, s.data.category_sizes);
  s.summary = summarize_model(s.model, input_shape);
  s.input_shape = input_shape;
  s.outputs = outputs;
  if (distill) {
    auto teacher = build_model(s.teacher.model, input_shape, outputs, s.data.category_sizes);
    load_weights_file(resolve_checkpoint(s.experiment.compress.teacher, "last"), *teacher);
    teacher->to(s.device);
    s.distiller = std::make_unique<Distiller>(teacher, s.experiment.compress.alpha, s.experiment.compress.temperature);
  }
  if ((fine_tuning || dpo || ppo || is_pruning(s.experiment)) && !resuming) load_weights_file(base_weights, *s.model);  // a resumed run's checkpoint has its own
  if (is_channel_pruning(s.experiment) && !resuming) {
    // The narrower model replaces the original before training: its spec is the
    // one frozen into experiment.json, so a resumed run builds it directly.
    auto pruned = prune_channels(s.model, s.experiment.model, s.experiment.compress.sparsity, input_shape, outputs,
                                 s.data.category_sizes);
    s.model = pruned.model;
    s.experiment.model = pruned.spec;
    s.pruned_channels = std::move(pruned.layers);
    s.summary = summarize_model(s.model, input_shape);
  }
  // Transfer learning: plain training from another run's or bundle's weights, matched by name and shape. The layers'
  // patterns are checked here too, so a typo fails before the run folder exists.
  check_layer_patterns(s.experiment.train.freeze.layers, *s.model, "train.freeze.layers");
  for (std::size_t g = 0; g < s.experiment.train.layer_lr.size(); ++g)
    check_layer_patterns(s.experiment.train.layer_lr[g].layers, *s.model, "train.layer_lr[" + std::to_string(g) + "].layers");
  if (s.experiment.stage == "pretrain" && !s.experiment.init_from.empty() && !resuming) {
    s.transfer_weights = transfer_weights_file(s.experiment.init_from);
    s.not_transferred = load_matching_weights(s.transfer_weights, *s.model);
    const auto total = static_cast<std::int64_t>(s.model->named_parameters().size() + s.model->named_buffers().size());
    s.transferred = total - static_cast<std::int64_t>(s.not_transferred.size());
    if (s.transferred == 0)
      throw ConfigError("init_from: no tensor of " + s.transfer_weights.string() + " fits this model by name and shape (e.g. " +
                        s.not_transferred.front() + "); is it the same kind of model?");
  }
  std::vector<std::string> new_weights;  // a reward model's head
  if (reward_model && !resuming) {
    auto language_model_net = build_model(base_model, input_shape, s.preferences.vocab_size(), {});
    load_weights_file(base_weights, *language_model_net);
    new_weights = copy_matching_weights(*language_model_net, *s.model);
  }

  s.folder = !s.writes ? RunFolder{run_dir} : resuming ? open_run_folder(run_dir) : create_run_folder(run_dir);
  if (reward_model) s.pair_scorer = std::make_unique<RewardHeadScorer>(s.experiment.align.margin);
  if (dpo || ppo) {
    // The reference is the policy the stage started from, kept in the run folder
    // so that resuming does not depend on init_from staying as it was.
    s.reference = build_model(s.experiment.model, input_shape, outputs, {});
    if (resuming) {
      load_model_weights(s.folder.reference_file(), *s.reference);
    } else {
      load_weights_file(base_weights, *s.reference);
      if (s.writes) save_model_weights(s.folder.reference_file(), *s.reference);
    }
    s.reference->to(s.device);
  }
  if (dpo)
    s.pair_scorer = std::make_unique<DirectPreferenceScorer>(s.reference, s.experiment.align.beta, s.experiment.align.label_smoothing);
  if (!s.writes) return;  // the rest writes the run folder: rank 0's job
  const bool epochs_changed = resuming && load_experiment(s.folder.experiment_file()).train.epochs != s.experiment.train.epochs;
  if (!resuming || epochs_changed) write_text_atomically(s.folder.experiment_file(), serialize_experiment(s.experiment));
  s.metrics = std::make_unique<MetricsWriter>(s.folder.metrics_file());  // both append
  s.log = std::make_unique<LogWriter>(s.folder.log_file());
  if (group)
    s.write_log("distributed: " + group->description() + "; train.batch_size " + std::to_string(s.experiment.train.batch_size) +
                " per process, " + std::to_string(s.experiment.train.batch_size * group->size()) + " per step in all");
  if (fine_tuning && !s.dialogues.validation_dialogues.empty()) {
    std::vector<std::vector<std::int64_t>> prompts;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, s.dialogues.validation_dialogues.size()); ++i) {
      auto messages = s.dialogues.validation_dialogues[i].messages;
      messages.pop_back();  // the reply the model is to write
      prompts.push_back(render_chat_prompt(*s.tokenizer, s.dialogues.markers, messages));
    }
    s.samples = SampleSnapshots::for_chat(s.model, std::move(prompts), s.tokenizer, s.experiment.data.context_length,
                                          s.experiment.seed, s.folder.samples_file());
  } else if (dpo && !s.preferences.validation_pairs.empty()) {
    std::vector<std::vector<std::int64_t>> prompts;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, s.preferences.validation_pairs.size()); ++i)
      prompts.push_back(render_chat_prompt(*s.tokenizer, s.preferences.markers, s.preferences.validation_pairs[i].prompt));
    s.samples = SampleSnapshots::for_chat(s.model, std::move(prompts), s.tokenizer, s.experiment.data.context_length,
                                          s.experiment.seed, s.folder.samples_file());
  } else if (language_model && s.text_data.validation.size() > 0)
    s.samples = SampleSnapshots::for_language_model(s.model, s.text_data.validation, s.tokenizer, s.experiment.data.context_length,
                                                    s.experiment.seed, s.folder.samples_file());
  else if (s.experiment.task == "classification" && !text_classes && input_shape.size() == 3 && s.data.validation.size() > 0)
    s.samples = SampleSnapshots::for_images(s.model, s.data.validation, s.data.class_names, s.data.normalize_mean,
                                            s.data.normalize_std, s.folder.samples_file());
  if (resuming)
    s.write_log("resumed from checkpoints/" + resume_from.filename().string() +
                 (epochs_changed ? ", train.epochs now " + std::to_string(s.experiment.train.epochs) : std::string()));
  s.write_log("cradle " CRADLE_VERSION ", LibTorch " TORCH_VERSION ", " + std::to_string(s.threads) +
               " threads, device " + device_name() + ", precision " + s.experiment.train.precision);
  if (s.experiment.train.precision == "bfloat16" && !s.device.is_cuda() && !cpu_has_native_bfloat16())
    s.write_log("warning: this processor has no native bfloat16 (avx512_bf16, amx_bf16): bfloat16 is emulated and "
                 "likely slower than float32");
  const CacheOutcome cache = language_model ? s.text_data.cache : text_classes ? s.text_classes.cache : s.cache;
  if (cache != CacheOutcome::Off)
    s.write_log(std::string("data: ") + (cache == CacheOutcome::Hit ? "read from the cache " : "prepared and cached in ") +
                 data_cache_dir().string() + " (key " + data_cache_key(s.experiment) + ")");
  for (const auto& file : s.data.skipped_files) s.write_log("data: skipped unreadable file " + file);
  if (ppo) {
    if (!resuming) s.tokenizer->save(s.folder.tokenizer_file());
    const auto& d = s.prompts;
    const auto& a = s.experiment.align;
    s.write_log("PPO from " + s.experiment.init_from + " against the " + s.response_scorer->description() + ": " +
                 std::to_string(d.train.size()) + " training prompts from " + std::to_string(d.files.size()) + " file(s), " +
                 std::to_string(d.skipped.size()) + " bad lines skipped; KL " + a.kl_control + " (coefficient " +
                 Json(a.kl_coef).dump() + (a.kl_control == "adaptive" ? ", target " + Json(a.kl_target).dump() + " nats" : "") +
                 "), " + std::to_string(a.ppo_epochs) + " PPO epochs over minibatches of " + std::to_string(a.minibatch_size));
  }
  if (dpo) {
    if (!resuming) s.tokenizer->save(s.folder.tokenizer_file());
    const auto& d = s.preferences;
    s.write_log("DPO from " + s.experiment.init_from + " (beta " + Json(s.experiment.align.beta).dump() + ", label smoothing " +
                 Json(s.experiment.align.label_smoothing).dump() + "): " + std::to_string(d.train_pairs.size()) +
                 " training pairs from " + std::to_string(d.files.size()) + " file(s), " + std::to_string(d.skipped.size()) +
                 " bad lines skipped, " + std::to_string(d.undecided) + " ties and skips left out, " + std::to_string(d.truncated) +
                 " cut to their last data.context_length tokens");
  }
  if (reward_model) {
    if (!resuming) s.tokenizer->save(s.folder.tokenizer_file());
    const auto& d = s.preferences;
    std::string fresh;
    for (const auto& name : new_weights) fresh += (fresh.empty() ? "" : ", ") + name;
    s.write_log("reward model on " + s.experiment.init_from + "'s trunk (new: " + (fresh.empty() ? "nothing" : fresh) +
                 "): " + std::to_string(d.train_pairs.size()) + " training pairs from " + std::to_string(d.files.size()) +
                 " file(s), " + std::to_string(d.skipped.size()) + " bad lines skipped, " + std::to_string(d.undecided) +
                 " ties and skips left out, " + std::to_string(d.truncated) +
                 " renderings cut to their last data.context_length tokens");
  }
  if (fine_tuning) {
    if (!resuming) s.tokenizer->save(s.folder.tokenizer_file());
    const auto& d = s.dialogues;
    s.write_log("fine-tuning " + s.experiment.init_from + " (" + base_weights.filename().string() + "): " +
                 std::to_string(d.train_dialogues.size()) + " training dialogues from " + std::to_string(d.files.size()) +
                 " file(s), " + std::to_string(d.skipped.size()) + " bad lines skipped, " + std::to_string(d.truncated) +
                 " cut to data.context_length, " + std::to_string(d.dropped) + " dropped with no response left; " +
                 std::to_string(d.response_tokens) + " response tokens trained" +
                 (s.experiment.data.packing ? ", packed into " + std::to_string(d.train.size()) + " sequences" : ""));
  }
  if (!s.transfer_weights.empty()) {
    std::string fresh;
    for (const auto& why : s.not_transferred) fresh += (fresh.empty() ? "" : "; ") + why;
    s.write_log("transfer: " + std::to_string(s.transferred) + " tensors from " + s.transfer_weights.string() +
                "; trained from scratch: " + (fresh.empty() ? "nothing" : fresh));
  }
  if (text) {
    if (!resuming) s.tokenizer->save(s.folder.tokenizer_file());
    s.write_log("data: " + std::to_string(text->records_read) + " records read from " + std::to_string(text->files.size()) +
                 " file(s), " + std::to_string(text->skipped.size()) + " skipped");
    for (const auto& report : text->steps)
      s.write_log("data: step " + report.op + ": " + std::to_string(report.records_in) + " -> " +
                   std::to_string(report.records_out) + " records, " + std::to_string(report.records_changed) + " changed");
  }
  if (language_model)
    s.write_log("data: tokenizer " + s.tokenizer->type() + ", " + std::to_string(s.tokenizer->vocab_size()) +
                 " tokens; " + std::to_string(s.text_data.train_tokens) + " training tokens");
  if (text_classes) {
    const auto& d = s.text_classes;
    char line[256];
    std::snprintf(line, sizeof line, "data: tokenizer %s, %lld tokens; %lld classes; %.1f tokens per training text on average, "
                  "%lld of %lld cut to data.context_length %lld; majority-class test accuracy %.4f",
                  s.tokenizer->type().c_str(), static_cast<long long>(s.tokenizer->vocab_size()),
                  static_cast<long long>(d.num_classes()), d.mean_tokens, static_cast<long long>(d.truncated_records),
                  static_cast<long long>(d.text.train.size()), static_cast<long long>(s.experiment.data.context_length),
                  d.majority_baseline_accuracy);
    s.write_log(line);
  }
  if (!s.pruned_channels.empty()) {
    std::string removed;
    for (const auto& l : s.pruned_channels)
      removed += (removed.empty() ? "" : ", ") + l.layer + " " + std::to_string(l.total) + " -> " + std::to_string(l.kept);
    s.write_log("pruned channels and neurons by the L1 norm of their filters: " + removed);
  }
  if (computed)
    s.write_log("data: normalisation computed on the training split: mean " + Json(s.data.normalize_mean).dump() +
                 ", std " + Json(s.data.normalize_std).dump());
}

ExperimentRun::~ExperimentRun() = default;

const Experiment& ExperimentRun::experiment() const { return state_->experiment; }
const RunFolder& ExperimentRun::folder() const { return state_->folder; }
const ModelSummary& ExperimentRun::model_summary() const { return state_->summary; }
std::int64_t ExperimentRun::train_samples() const {
  if (is_policy_optimisation(state_->experiment)) return static_cast<std::int64_t>(state_->prompts.train.size());
  return state_->splits->train.size();
}
const std::vector<std::string>& ExperimentRun::skipped_files() const {
  if (is_fine_tuning(state_->experiment)) return state_->dialogues.skipped;
  if (reads_preference_pairs(state_->experiment)) return state_->preferences.skipped;
  if (is_policy_optimisation(state_->experiment)) return state_->prompts.skipped;
  if (state_->experiment.task == "language_model") return state_->text_data.text.skipped;
  if (is_text_classification(state_->experiment)) return state_->text_classes.text.skipped;
  return state_->data.skipped_files;
}
int ExperimentRun::threads() const { return state_->threads; }
const fs::path& ExperimentRun::resumed_from() const { return state_->resume_from; }
std::string ExperimentRun::device_name() const { return state_->device.str(); }
void ExperimentRun::add_observer(TrainingObserver& observer) { state_->observers.push_back(&observer); }
void ExperimentRun::override_learning_rate(std::function<double(std::int64_t)> rate) {
  if (is_policy_optimisation(state_->experiment)) throw ConfigError("stage ppo has no learning-rate override: its steps are rollouts");
  state_->learning_rate_override = std::move(rate);
}

RunResult ExperimentRun::train(const StopSignal* stop, RunControl* control) {
  State& s = *state_;
  const std::string now = utc_timestamp();
  // A resumed run started when its first part did (the stopped run's report says when).
  const std::string started_at = s.resume_from.empty() ? now : first_start(s.folder).value_or(now);
  FinalMetrics final_metrics;
  std::vector<TrainingObserver*> observers = {&final_metrics};
  if (s.writes) observers.insert(observers.end(), {s.metrics.get(), s.log.get()});
  if (s.samples) observers.push_back(s.samples.get());
  observers.insert(observers.end(), s.observers.begin(), s.observers.end());
  // PPO has its own loop (rollouts, not batches of a dataset); every other stage the Trainer's.
  std::function<TrainingOutcome()> run_training;
  std::unique_ptr<Trainer> trainer;
  std::unique_ptr<PpoTrainer> ppo;
  std::unique_ptr<MagnitudePruner> pruner;  // stage prune
  if (is_policy_optimisation(s.experiment)) {
    PpoSetup setup;
    setup.checkpoint_dir = s.folder.checkpoint_dir();
    setup.stop = stop;
    setup.device = s.device;
    setup.resume_from = s.resume_from;
    setup.control = control;
    setup.samples_file = s.folder.samples_file();
    ppo = std::make_unique<PpoTrainer>(s.experiment, PolicyValueModel(s.model, s.experiment.model.width), s.reference,
                                       *s.response_scorer, s.prompts, setup);
    for (auto* observer : observers) ppo->add_observer(*observer);
    run_training = [&] { return ppo->run(); };
  } else {
    TrainerSetup setup;
    setup.checkpoint_dir = s.writes ? s.folder.checkpoint_dir() : fs::path();
    setup.stop = stop;
    setup.device = s.device;
    setup.augmenter = s.augmenter.get();
    setup.resume_from = s.resume_from;
    setup.control = control;
    setup.pair_scorer = s.pair_scorer.get();
    setup.distiller = s.distiller.get();
    setup.group = s.group;
    setup.learning_rate_at = s.learning_rate_override;
    if (is_pruning(s.experiment) && !is_channel_pruning(s.experiment)) {
      // Pruning at the start of each of the first `cycles` epochs, the masks held after every step.
      const CompressSpec& c = s.experiment.compress;
      setup.on_epoch_start = [&s, &pruner, c](std::int64_t epoch) {
        // After the cycles this keeps the final sparsity (the zeros are the smallest weights, so
        // the same ones): a resumed run's masks, rebuilt from its checkpoint, hold them too.
        pruner->prune_to(scheduled_sparsity(c.sparsity, epoch, c.cycles));
        if (epoch > c.cycles) return;
        char line[200];
        std::snprintf(line, sizeof line, "epoch %lld: pruned to %.1f%% of the linear and convolution weights (%s magnitude, cycle %lld of %lld)",
                      static_cast<long long>(epoch), 100 * pruner->sparsity(), c.scope.c_str(), static_cast<long long>(epoch),
                      static_cast<long long>(c.cycles));
        s.write_log(line);
      };
      setup.after_optimizer_step = [&pruner] { pruner->apply_masks(); };
    }
    trainer = std::make_unique<Trainer>(s.experiment, s.model, *s.splits, setup);
    // After the Trainer put the model on its device: the masks live beside the weights.
    if (is_pruning(s.experiment) && !is_channel_pruning(s.experiment))
      pruner = std::make_unique<MagnitudePruner>(*s.model, s.experiment.compress.scope);
    for (auto* observer : observers) trainer->add_observer(*observer);
    run_training = [&] { return trainer->run(); };
  }

  Json report = Json::object();
  report["format_version"] = 1;
  report["experiment"] = s.experiment.name;
  report["cradle_version"] = CRADLE_VERSION;
  report["libtorch_version"] = TORCH_VERSION;
  report["threads"] = s.threads;
  report["device"] = device_name();
  report["started_at"] = started_at;
  if (!s.resume_from.empty()) {
    report["resumed_from"] = "checkpoints/" + s.resume_from.filename().string();
    report["resumed_at"] = now;
  }
  report["task"] = s.experiment.task;
  report["model"] = Json{{"type", s.experiment.model.type}, {"parameters", s.summary.total_parameters}};
  if (!s.transfer_weights.empty())
    report["transfer"] = Json{{"init_from", s.experiment.init_from}, {"weights", s.transfer_weights.string()},
                              {"tensors_loaded", s.transferred}, {"not_loaded", s.not_transferred}};
  if (is_policy_optimisation(s.experiment)) {
    const auto& d = s.prompts;
    report["stage"] = "ppo";
    report["init_from"] = s.experiment.init_from;
    report["reward"] = s.response_scorer->description();
    report["data"] = Json{{"files", d.files},
                          {"train_prompts", d.train.size()},
                          {"validation_prompts", d.validation.size()},
                          {"test_prompts", d.test.size()},
                          {"skipped_lines", d.skipped.size()}};
  } else if (reads_preference_pairs(s.experiment)) {
    const auto& d = s.preferences;
    report["stage"] = s.experiment.stage;
    report["init_from"] = s.experiment.init_from;
    report["data"] = Json{{"files", d.files},
                          {"train_pairs", d.train_pairs.size()},
                          {"validation_pairs", d.validation_pairs.size()},
                          {"test_pairs", d.test_pairs.size()},
                          {"truncated", d.truncated},
                          {"undecided", d.undecided},
                          {"skipped_lines", d.skipped.size()}};
  } else if (is_fine_tuning(s.experiment)) {
    const auto& d = s.dialogues;
    report["stage"] = "sft";
    report["init_from"] = s.experiment.init_from;
    report["data"] = Json{{"files", d.files},
                          {"train_dialogues", d.train_dialogues.size()},
                          {"validation_dialogues", d.validation_dialogues.size()},
                          {"test_dialogues", d.test_dialogues.size()},
                          {"train_sequences", d.train.size()},
                          {"response_tokens", d.response_tokens},
                          {"truncated", d.truncated},
                          {"dropped", d.dropped},
                          {"skipped_lines", d.skipped.size()}};
  } else if (s.experiment.task == "language_model") {
    report["data"] = language_model_data_summary(s.text_data);
  } else if (is_text_classification(s.experiment)) {
    report["class_names"] = s.text_classes.class_names;
    report["data"] = text_classification_data_summary(s.text_classes);
  } else {
    if (s.experiment.task == "regression")
      report["target"] = Json{{"column", s.experiment.data.target}, {"train_mean", s.data.target_mean},
                              {"train_std", s.data.target_std}};
    else
      report["class_names"] = s.data.class_names;
    // Examples only: a folder of thousands of broken files must not bloat the report.
    const auto& skipped = s.data.skipped_files;
    report["data"] = Json{{"train_samples", s.data.train.size()},
                          {"validation_samples", s.data.validation.size()},
                          {"test_samples", s.data.test.size()},
                          {"skipped_files", skipped.size()},
                          {"dropped_rows", s.data.dropped_rows},
                          {"cache", to_string(s.cache)},
                          {"skipped_examples", std::vector<std::string>(skipped.begin(),
                                                                        skipped.begin() + std::min<size_t>(skipped.size(), 10))}};
  }

  if (s.group) {
    const int ranks = s.group->size();
    report["distributed"] = Json{{"processes", ranks},
                                 {"backend", "gloo"},
                                 {"batch_size_per_process", s.experiment.train.batch_size},
                                 {"batch_size_per_step", s.experiment.train.batch_size * ranks}};
  }

  RunResult result;
  if (!s.writes) {  // another rank: it trains its shard; rank 0 reports
    result.outcome = run_training();
    return result;
  }
  // Whatever fails from here (a NaN, a full disk while writing a checkpoint or
  // the model) ends with the report saying so, where the disk still takes it.
  try {
    result.outcome = run_training();
    save_model_weights(s.folder.model_file(), *s.model);
    result.validation = final_metrics.validation;
    result.test = final_metrics.test;

    report["status"] = to_string(result.outcome.status);
    report["finished_at"] = utc_timestamp();
    report["epochs_completed"] = result.outcome.epochs_completed;
    report["steps"] = result.outcome.steps;
    report["wall_seconds"] = result.outcome.wall_seconds;
    report["median_train_samples_per_second"] = result.outcome.median_samples_per_second;
    if (result.outcome.best_metric) {
      const auto& early = s.experiment.train.early_stopping;
      report["best"] = Json{{"epoch", result.outcome.best_epoch},
                            {"metric", early.enabled ? early.metric : "validation_loss"},
                            {"value", *result.outcome.best_metric},
                            {"checkpoint", "checkpoints/best.pt"},
                            {"stopped_early", result.outcome.stopped_early},
                            {"model_is_best", result.outcome.restored_best}};
    }
    Json metrics = Json::object();
    const bool language_model = s.experiment.task == "language_model";
    if (final_metrics.before_training) metrics["validation_before_training"] = scores_json(*final_metrics.before_training, language_model);
    if (result.validation) metrics["validation"] = scores_json(*result.validation, language_model);
    if (result.test) metrics["test"] = scores_json(*result.test, language_model);
    report["metrics"] = std::move(metrics);
    if (is_fine_tuning(s.experiment)) report["replies"] = reply_check(s.model, s.dialogues, s.experiment.data.context_length);
    if (pruner) {
      report["stage"] = "prune";
      report["init_from"] = s.experiment.init_from;
      Json layers = Json::array();
      for (const auto& l : pruner->layers())
        layers.push_back({{"layer", l.layer}, {"shape", l.shape}, {"weights", l.weights}, {"zeros", l.zeros}, {"sparsity", l.sparsity()}});
      report["pruning"] = Json{{"sparsity", pruner->sparsity()}, {"layers", layers}};
      CompressedRun compressed = s.compressed_run(s.experiment.init_from);
      compressed.build_original = [&s] { return build_model(s.experiment.model, s.input_shape, s.outputs, s.data.category_sizes); };
      report["compression"] = compare_with_original(compressed);
      s.write_log("pruned: " + describe_comparison(report["compression"]));
    }
    if (is_channel_pruning(s.experiment)) {
      report["stage"] = "prune";
      report["init_from"] = s.experiment.init_from;
      const ModelSpec original = load_experiment(open_run_folder(s.experiment.init_from).experiment_file()).model;
      Json layers = Json::array();
      const auto& pruned = s.experiment.model;
      for (std::size_t i = 0; pruned.type == "cnn" && i < pruned.conv_channels.size() && i < original.conv_channels.size(); ++i)
        layers.push_back({{"layer", "conv" + std::to_string(i + 1)}, {"kept", pruned.conv_channels[i]}, {"of", original.conv_channels[i]}});
      for (std::size_t i = 0; i < pruned.hidden.size() && i < original.hidden.size(); ++i)
        layers.push_back({{"layer", "fc" + std::to_string(i + 1)}, {"kept", pruned.hidden[i]}, {"of", original.hidden[i]}});
      const auto build_original = [&s, original] { return build_model(original, s.input_shape, s.outputs, s.data.category_sizes); };
      auto original_model = build_original();
      const std::int64_t original_flops = summarize_model(original_model, s.input_shape).flops;
      report["pruning"] = Json{{"method", "channels"},
                               {"share_removed", s.experiment.compress.sparsity},
                               {"layers", layers},
                               {"flops_per_sample", {{"original", original_flops}, {"pruned", s.summary.flops}}},
                               {"flops_ratio", static_cast<double>(s.summary.flops) / static_cast<double>(std::max<std::int64_t>(1, original_flops))}};
      CompressedRun compressed = s.compressed_run(s.experiment.init_from);
      compressed.build_original = build_original;
      report["compression"] = compare_with_original(compressed);
      s.write_log("pruned channels: FLOPs per sample " + std::to_string(original_flops) + " -> " + std::to_string(s.summary.flops) +
                  "; " + describe_comparison(report["compression"]));
    }
    if (s.distiller) {
      report["stage"] = "distill";
      report["teacher"] = s.experiment.compress.teacher;
      CompressedRun student = s.compressed_run(s.experiment.compress.teacher);
      student.build_original = [&s] { return build_model(s.teacher.model, s.input_shape, s.outputs, s.data.category_sizes); };
      report["compression"] = compare_with_original(student);
      s.write_log("distilled: the student " + describe_comparison(report["compression"]));
    }
    report["files"] = Json{{"model", "model/model.pt"}, {"metrics", "metrics.jsonl"}, {"log", "train.log"}};
    if (s.tokenizer) report["files"]["tokenizer"] = "model/tokenizer.json";
    write_text_atomically(s.folder.report_file(), report.dump(2) + "\n");
  } catch (const std::exception& error) {
    record_failure(s.folder.report_file(), report, error.what());
    throw;
  }
  return result;
}

}  // namespace cradle
