#include "app/cli/commands.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "app/cli/command_line.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/classification_data.h"
#include "core/data/data_cache.h"
#include "core/data/data_preview.h"
#include "core/data/dataset_statistics.h"
#include "core/data/language_model_data.h"
#include "core/data/text_classification_data.h"
#include "core/data/text_data_statistics.h"
#include "core/data/token_corpus.h"
#include "core/experiment/experiment.h"
#include "core/hub/fine_tuning_memory.h"
#include "core/hub/gguf_tokenizer.h"
#include "core/hub/hub_gguf_import.h"
#include "core/hub/hub_model.h"
#include "core/hub/hub_tokenizer.h"
#include "core/models/model_description.h"
#include "core/run/experiment_profile.h"
#include "core/run/fine_tuning_base.h"
#include "core/run/run_index.h"
#include "core/train/autocast.h"
#include "core/train/learning_rate_schedule.h"
#include "core/train/runtime.h"
#include "core/train/trainer.h"

namespace cradle::cli {
namespace {

void print_schedule(const TrainSpec& spec, std::int64_t train_samples) {
  const TrainingPlan plan = plan_training(spec, train_samples);
  const LearningRateSchedule schedule(spec.schedule, spec.lr, plan.total_steps, plan.steps_per_epoch);
  std::printf("\noptimizer %s, %lld samples per step (%lld x %lld accumulated)\n%s", spec.optimizer.c_str(),
              static_cast<long long>(spec.batch_size * spec.accumulate_steps), static_cast<long long>(spec.batch_size),
              static_cast<long long>(spec.accumulate_steps), schedule.describe().c_str());
}

// A Hugging Face model folder: its architecture and sizes, the weights read and
// checked against config.json, and what full fine-tuning would hold in memory.
// One line: the tokenizer's kind, size, special tokens and whether it brings a chat template.
void print_tokenizer_line(const HubTokenizer& tokenizer) {
  std::string specials;
  const auto name = [&](const char* role, std::optional<std::int64_t> id) {
    if (id)
      specials += std::string(specials.empty() ? "" : ", ") + role + " " + tokenizer.token_text(*id) + " (" +
                  std::to_string(*id) + ")";
  };
  const auto& ids = tokenizer.special_tokens();
  name("bos", ids.bos);
  name("eos", ids.eos);
  name("pad", ids.pad);
  std::printf("  tokenizer: %s, %s tokens%s%s; %s\n", tokenizer.kind().c_str(),
              with_thousands(tokenizer.vocab_size()).c_str(), specials.empty() ? "" : "; ", specials.c_str(),
              tokenizer.chat_template().empty() ? "no chat template" : "its own chat template");
}

// The folder's tokenizer.json and tokenizer_config.json, checked against the embedding.
void print_hub_tokenizer(const std::filesystem::path& folder, std::int64_t embedding_rows) {
  if (!std::filesystem::exists(folder / "tokenizer.json")) {
    std::printf("  tokenizer: none (Cradle reads a model's tokenizer from tokenizer.json)\n");
    return;
  }
  const auto tokenizer = HubTokenizer::load(folder);
  check_tokenizer_fits(*tokenizer, embedding_rows, folder);
  print_tokenizer_line(*tokenizer);
}

// A GGUF file's tokenizer (core/hub/gguf_tokenizer.h), where its metadata has one.
void print_gguf_tokenizer(const GgufFile& file, std::int64_t embedding_rows) {
  if (!file.find("tokenizer.ggml.model")) {
    std::printf("  tokenizer: none (the file has no tokenizer.ggml.* metadata)\n");
    return;
  }
  const auto tokenizer = gguf_tokenizer(file);
  check_tokenizer_fits(*tokenizer, embedding_rows, file.origin);
  print_tokenizer_line(*tokenizer);
}

// A training step's memory, estimated (core/hub/fine_tuning_memory.h), for
// full fine-tuning and for LoRA, with and without gradient checkpointing; a
// warning where it passes 80% of the machine's memory.
void print_fine_tuning_memory(const HubModelConfig& config) {
  FineTuningMemoryOptions options;
  options.context = std::min<std::int64_t>(512, config.max_position_embeddings);
  const double mib = 1024.0 * 1024.0;
  const std::int64_t machine = physical_memory_bytes();
  std::printf("  a training step at batch 1, context %lld, AdamW (estimated tensors, MiB; %.0f MiB in this machine):\n",
              static_cast<long long>(options.context), static_cast<double>(machine) / mib);
  const auto line = [&](const char* what, const FineTuningMemoryOptions& o) {
    const FineTuningMemory m = estimate_fine_tuning_memory(config, o);
    std::printf(
        "    %-34s %8.0f  (%s trainable; weights %.0f, gradients and AdamW %.0f, activations %.0f, logits %.0f)%s\n",
        what, static_cast<double>(m.total()) / mib, with_thousands(m.trainable).c_str(),
        static_cast<double>(m.weights) / mib, static_cast<double>(m.gradients + m.optimizer) / mib,
        static_cast<double>(m.activations) / mib, static_cast<double>(m.logits) / mib,
        static_cast<double>(m.total()) > 0.8 * static_cast<double>(machine) ? "  over 80% of memory" : "");
  };
  line("full fine-tuning", options);
  options.gradient_checkpointing = true;
  line("full, gradient checkpointing", options);
  options.gradient_checkpointing = false;
  options.lora = LoraOptions();
  line("LoRA r = 8 on every projection", options);
  options.gradient_checkpointing = true;
  line("LoRA, gradient checkpointing", options);
  if (cpu_has_native_bfloat16()) {
    options.bfloat16_base = true;
    line("LoRA, bfloat16 base, checkpointing", options);
  }
}

// The shape lines shared by a model folder and a GGUF file.
void print_hub_architecture(const HubModelConfig& c) {
  std::printf(
      "  %lld layers, width %lld, %lld attention heads of %lld (%lld key/value heads), MLP %lld, "
      "vocabulary %lld, context %lld\n",
      static_cast<long long>(c.num_hidden_layers), static_cast<long long>(c.hidden_size),
      static_cast<long long>(c.num_attention_heads), static_cast<long long>(c.head_dim),
      static_cast<long long>(c.num_key_value_heads), static_cast<long long>(c.intermediate_size),
      static_cast<long long>(c.vocab_size), static_cast<long long>(c.max_position_embeddings));
  if (c.architecture == HubArchitecture::Gpt2)
    std::printf("  learned positions, %s MLP, LayerNorm", c.activation.c_str());
  else
    std::printf("  rotary positions with theta %g", c.rope_theta);
  if (c.rope_scaling)
    std::printf(", Llama 3 scaling x%g from a context of %lld", c.rope_scaling->factor,
                static_cast<long long>(c.rope_scaling->original_max_position_embeddings));
  if (!c.rope_frequency_divisors.empty())
    std::printf(", frequencies divided as rope_freqs says (Llama 3 scaling, up to x%g)",
                *std::max_element(c.rope_frequency_divisors.begin(), c.rope_frequency_divisors.end()));
  std::printf("; %s\n", c.tie_word_embeddings ? "output tied to the embedding" : "separate output layer");
}

int inspect_hub_folder(const std::filesystem::path& folder) {
  const HubModel hub = load_hub_model(folder);
  const HubModelConfig& c = hub.config;
  std::printf("Hugging Face model %s: %s (model_type %s)\n", folder.string().c_str(), to_string(c.architecture).c_str(),
              c.model_type.c_str());
  print_hub_architecture(c);
  print_hub_tokenizer(folder, c.vocab_size);
  const std::int64_t parameters = c.parameters();
  std::printf("  weights: %s in %lld file%s, %s parameters, every tensor's shape as config.json says\n",
              hub.stored_dtype.c_str(), static_cast<long long>(hub.weight_files), hub.weight_files == 1 ? "" : "s",
              with_thousands(parameters).c_str());
  print_fine_tuning_memory(c);
  return 0;
}

// A GGUF file read back as its architecture (core/hub/hub_gguf_import.h).
int inspect_gguf_file(const std::filesystem::path& path) {
  const GgufFile file = read_gguf(path);
  const HubModel model = load_gguf_model(file);
  const HubModelConfig& c = model.config;
  std::printf("GGUF file %s: architecture %s\n", path.string().c_str(), c.model_type.c_str());
  print_hub_architecture(c);
  print_gguf_tokenizer(file, c.vocab_size);
  std::printf("  weights: %s, %s parameters, every tensor read back in the Hugging Face layout\n",
              model.stored_dtype.c_str(), with_thousands(c.parameters()).c_str());
  return 0;
}

}  // namespace

int inspect(const ExperimentRequest& request) {
  if (request.experiment_file.extension() == ".gguf") {
    if (!request.overrides.empty()) throw ConfigError("inspect: --set changes experiment files, not a GGUF file");
    return inspect_gguf_file(request.experiment_file);
  }
  if (std::filesystem::is_directory(request.experiment_file)) {
    if (!request.overrides.empty()) throw ConfigError("inspect: --set changes experiment files, not a model folder");
    return inspect_hub_folder(request.experiment_file);
  }
  Experiment experiment = load_experiment(request.experiment_file, request.overrides);
  if (experiment.model_inherited) experiment.model = load_fine_tuning_base(experiment).pretrained.model;
  // All splits (through the data cache, which the next `train` then reuses):
  // the schedule needs the number of training samples.
  const DataProfile data = profile_data(experiment);
  const ModelSummary summary = summarize_experiment_model(experiment, data);
  const char* name = experiment.name.c_str();
  const char* type = experiment.model.type.c_str();
  const auto count = [](std::int64_t value) { return static_cast<long long>(value); };
  if (experiment.task == Task::LanguageModel && !is_reward_modelling(experiment)) {
    std::printf("experiment %s: %s language model, %lld-token vocabulary, context %lld\n", name, type,
                count(data.vocab_size), count(experiment.data.context_length));
  } else if (is_reward_modelling(experiment)) {
    std::printf("experiment %s: %s reward model, %lld-token vocabulary, texts cut to %lld tokens\n", name, type,
                count(data.vocab_size), count(experiment.data.context_length));
  } else if (is_text_classification(experiment)) {
    std::printf("experiment %s: %s text classifier, %lld-token vocabulary, texts cut to %lld tokens, %lld classes\n",
                name, type, count(data.vocab_size), count(experiment.data.context_length), count(data.outputs));
  } else {
    std::string shape;
    for (auto d : data.input_shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
    if (experiment.task == Task::Regression)
      std::printf("experiment %s: %s on %s inputs, one numeric output\n", name, type, shape.c_str());
    else
      std::printf("experiment %s: %s on %s inputs, %lld classes\n", name, type, shape.c_str(), count(data.outputs));
  }
  std::printf("model: %s\n\n", to_text(describe_model(experiment.model)).c_str());
  std::fputs(format_model_summary(summary, experiment.train.batch_size).c_str(), stdout);
  print_schedule(experiment.train, data.train_samples);
  return 0;
}

int data_stats(const DataStatsRequest& request) {
  const Experiment experiment = load_experiment(request.experiment_file, request.overrides);
  configure_runtime(experiment.threads);
  std::printf("experiment %s: %s data\n", experiment.name.c_str(), to_string(experiment.data.source).c_str());
  const auto report = [&request](const std::string& text, const Json& summary) {
    std::fputs(text.c_str(), stdout);
    if (request.out.empty()) return 0;
    write_text_atomically(request.out, summary.dump(2) + "\n");
    std::printf("written to %s\n", request.out.string().c_str());
    return 0;
  };
  if (experiment.task == Task::LanguageModel) {
    const auto data = load_language_model_data(experiment);
    return report(format_text_data_statistics(data), language_model_data_summary(data));
  }
  if (is_text_classification(experiment)) {
    const auto data = load_text_classification_data(experiment);
    return report(format_text_classification_statistics(data), text_classification_data_summary(data));
  }
  const auto statistics = compute_dataset_statistics(load_classification_data_cached(experiment));
  return report(format_dataset_statistics(statistics), statistics_to_json(statistics));
}

int data_preview(const DataPreviewRequest& request) {
  const Experiment experiment = load_experiment(request.experiment_file, request.overrides);
  configure_runtime(experiment.threads);
  for (const auto& file : write_data_preview(experiment, PreviewRequest{request.samples, request.out_dir}))
    std::printf("%s\n", file.string().c_str());
  return 0;
}

int data_tokenize(const DataTokenizeRequest& request) {
  const Experiment experiment = load_experiment(request.experiment_file, request.overrides);
  configure_runtime(experiment.threads);
  const auto start = std::chrono::steady_clock::now();
  const std::filesystem::path& out_dir = request.out_dir;
  TokenCorpusWriteOptions options;
  if (!request.tokenizer.empty()) options.tokenizer = load_tokenizer(request.tokenizer);
  options.stream = request.stream;
  options.on_split = [](const std::string& split, std::int64_t tokens) {
    std::printf("%-10s %12lld tokens\n", split.c_str(), static_cast<long long>(tokens));
    std::fflush(stdout);
  };
  const Json summary = write_token_corpus(experiment, out_dir, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::uintmax_t bytes = 0;
  for (const char* split : kTokenCorpusSplits) bytes += std::filesystem::file_size(token_split_file(out_dir, split));
  std::printf("token corpus %s: %s tokenizer, %lld tokens in the vocabulary, %d bytes a token, %.1f MB, %.1f s\n",
              out_dir.string().c_str(), summary["tokenizer"]["type"].get<std::string>().c_str(),
              static_cast<long long>(summary["tokenizer"]["vocab_size"].get<std::int64_t>()),
              summary["token_bytes"].get<int>(), static_cast<double>(bytes) / 1e6, seconds);
  std::printf("train on it with \"data\": {\"source\": \"tokens\", \"folder\": \"%s\", \"context_length\": %lld}\n",
              std::filesystem::absolute(out_dir).lexically_normal().string().c_str(),
              static_cast<long long>(experiment.data.context_length));
  return 0;
}

int list_runs(const RunsRequest& request) {
  const std::filesystem::path& runs_dir = request.runs_dir;
  std::vector<RunSummary> runs;
  for (auto& run : cradle::list_runs(runs_dir))
    if (request.experiment.empty() || run.experiment == request.experiment) runs.push_back(std::move(run));
  std::printf("%zu run%s in %s\n", runs.size(), runs.size() == 1 ? "" : "s", runs_dir.string().c_str());
  if (runs.empty()) return 0;
  std::printf("\n%-40s  %-24s  %-11s  %-22s  %6s  %s\n", "run", "experiment", "status", "test metric", "epochs",
              "started (UTC)");
  for (const auto& run : runs) {
    char metric[64] = "";
    if (run.metric) std::snprintf(metric, sizeof metric, "%s %.4g", run.metric_name.c_str(), *run.metric);
    std::printf("%-40s  %-24s  %-11s  %-22s  %6lld  %s\n", run.folder.filename().string().c_str(),
                run.experiment.c_str(), to_string(run.status).c_str(), metric, static_cast<long long>(run.epochs),
                run.started_at.c_str());
    if (!run.problem.empty()) std::printf("  %s\n", run.problem.c_str());
  }
  return 0;
}

namespace {

// The experiment argument and --set, which every command here takes.
void add_experiment_options(CLI::App& command, ExperimentRequest& request, const std::string& what) {
  command.add_option("experiment", request.experiment_file, what)->required();
  command.add_option("--set", request.overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
}

void add_data_commands(CLI::App& app, CommandChoice& choice) {
  auto* data = app.add_subcommand("data", "Look at an experiment's data");
  data->require_subcommand(1);
  auto stats_request = std::make_shared<DataStatsRequest>();
  auto* stats =
      data->add_subcommand("stats", "Print (and write) sizes, class histograms and value ranges of every split");
  add_experiment_options(*stats, *stats_request, "Experiment file (JSON)");
  stats->add_option("--out", stats_request->out, "Also write the statistics to this JSON file");
  stats->callback([&choice, stats_request] { choice.run = [stats_request] { return data_stats(*stats_request); }; });

  auto tokenize_request = std::make_shared<DataTokenizeRequest>();
  auto* tokenize =
      data->add_subcommand("tokenize", "Write a language-model experiment's text once as a memory-mapped token corpus");
  add_experiment_options(*tokenize, *tokenize_request,
                         "Experiment file (JSON): task language_model, source text or jsonl");
  tokenize->add_option("--out", tokenize_request->out_dir, "The corpus folder to create (it must not exist)")
      ->required();
  tokenize->add_option("--tokenizer", tokenize_request->tokenizer,
                       "Write with this tokenizer.json (a run's, to go on training its model) instead of training one");
  tokenize->add_flag(
      "--stream", tokenize_request->stream,
      "One input file in memory at a time, for text larger than memory (splits by record hash; no dedup_near)");
  tokenize->callback(
      [&choice, tokenize_request] { choice.run = [tokenize_request] { return data_tokenize(*tokenize_request); }; });

  auto preview_request = std::make_shared<DataPreviewRequest>();
  auto* preview = data->add_subcommand("preview", "Write before/after samples of every preprocessing step to a folder");
  add_experiment_options(*preview, *preview_request, "Experiment file (JSON)");
  preview->add_option("--out", preview_request->out_dir, "Folder to write (created if needed)")->required();
  preview->add_option("--n", preview_request->samples, "Samples per step (default 8)")->check(CLI::Range(1, 1000));
  preview->callback(
      [&choice, preview_request] { choice.run = [preview_request] { return data_preview(*preview_request); }; });
}

}  // namespace

void add_experiment_commands(CLI::App& app, CommandChoice& choice) {
  auto inspect_request = std::make_shared<ExperimentRequest>();
  auto* inspect_command = app.add_subcommand(
      "inspect",
      "Validate an experiment and print its model's layer table, or check a Hugging Face model folder or GGUF file");
  add_experiment_options(
      *inspect_command, *inspect_request,
      "Experiment file (JSON), a Hugging Face model folder (config.json and safetensors), or a GGUF file");
  inspect_command->callback(
      [&choice, inspect_request] { choice.run = [inspect_request] { return inspect(*inspect_request); }; });

  add_data_commands(app, choice);

  auto runs_request = std::make_shared<RunsRequest>();
  auto* runs = app.add_subcommand("runs", "List the runs in a folder: status, test metric, start time");
  runs->add_option("folder", runs_request->runs_dir, "Folder of run folders (default runs)");
  runs->add_option("--experiment", runs_request->experiment, "Only the runs of this experiment name");
  runs->callback([&choice, runs_request] { choice.run = [runs_request] { return list_runs(*runs_request); }; });
}

}  // namespace cradle::cli
