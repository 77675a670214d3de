#include "app/cli/commands.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "app/cli/command_line.h"
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
#include "core/run/experiment_profile.h"
#include "core/run/fine_tuning_base.h"
#include "core/run/run_index.h"
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

}  // namespace

int inspect(const std::filesystem::path& experiment_file, const std::vector<std::string>& overrides) {
  Experiment experiment = load_experiment(experiment_file, overrides);
  if (experiment.model_inherited) experiment.model = load_fine_tuning_base(experiment).pretrained.model;
  // All splits (through the data cache, which the next `train` then reuses):
  // the schedule needs the number of training samples.
  const DataProfile data = profile_data(experiment);
  const ModelSummary summary = summarize_experiment_model(experiment, data);
  const char* name = experiment.name.c_str();
  const char* type = experiment.model.type.c_str();
  const auto count = [](std::int64_t value) { return static_cast<long long>(value); };
  if (experiment.task == Task::LanguageModel && !is_reward_modelling(experiment)) {
    std::printf("experiment %s: %s language model, %lld-token vocabulary, context %lld\n\n", name, type,
                count(data.vocab_size), count(experiment.data.context_length));
  } else if (is_reward_modelling(experiment)) {
    std::printf("experiment %s: %s reward model, %lld-token vocabulary, texts cut to %lld tokens\n\n", name, type,
                count(data.vocab_size), count(experiment.data.context_length));
  } else if (is_text_classification(experiment)) {
    std::printf("experiment %s: %s text classifier, %lld-token vocabulary, texts cut to %lld tokens, %lld classes\n\n",
                name, type, count(data.vocab_size), count(experiment.data.context_length), count(data.outputs));
  } else {
    std::string shape;
    for (auto d : data.input_shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
    if (experiment.task == Task::Regression)
      std::printf("experiment %s: %s on %s inputs, one numeric output\n\n", name, type, shape.c_str());
    else
      std::printf("experiment %s: %s on %s inputs, %lld classes\n\n", name, type, shape.c_str(), count(data.outputs));
  }
  std::fputs(format_model_summary(summary, experiment.train.batch_size).c_str(), stdout);
  print_schedule(experiment.train, data.train_samples);
  return 0;
}

int data_stats(const std::filesystem::path& experiment_file, const std::vector<std::string>& overrides,
               const std::filesystem::path& out) {
  const Experiment experiment = load_experiment(experiment_file, overrides);
  configure_runtime(experiment.threads);
  std::printf("experiment %s: %s data\n", experiment.name.c_str(), to_string(experiment.data.source).c_str());
  if (experiment.task == Task::LanguageModel) {
    const auto data = load_language_model_data(experiment);
    std::fputs(format_text_data_statistics(data).c_str(), stdout);
    if (!out.empty()) {
      write_text_atomically(out, language_model_data_summary(data).dump(2) + "\n");
      std::printf("written to %s\n", out.string().c_str());
    }
    return 0;
  }
  if (is_text_classification(experiment)) {
    const auto data = load_text_classification_data(experiment);
    std::fputs(format_text_classification_statistics(data).c_str(), stdout);
    if (!out.empty()) {
      write_text_atomically(out, text_classification_data_summary(data).dump(2) + "\n");
      std::printf("written to %s\n", out.string().c_str());
    }
    return 0;
  }
  const auto statistics = compute_dataset_statistics(load_classification_data_cached(experiment));
  std::fputs(format_dataset_statistics(statistics).c_str(), stdout);
  if (!out.empty()) {
    write_text_atomically(out, statistics_to_json(statistics).dump(2) + "\n");
    std::printf("written to %s\n", out.string().c_str());
  }
  return 0;
}

int data_preview(const std::filesystem::path& experiment_file, const std::vector<std::string>& overrides,
                 std::int64_t samples, const std::filesystem::path& out_dir) {
  const Experiment experiment = load_experiment(experiment_file, overrides);
  configure_runtime(experiment.threads);
  for (const auto& file : write_data_preview(experiment, PreviewRequest{samples, out_dir}))
    std::printf("%s\n", file.string().c_str());
  return 0;
}

int data_tokenize(const std::filesystem::path& experiment_file, const std::vector<std::string>& overrides,
                  const std::filesystem::path& out_dir, const std::filesystem::path& tokenizer, bool stream) {
  const Experiment experiment = load_experiment(experiment_file, overrides);
  configure_runtime(experiment.threads);
  const auto start = std::chrono::steady_clock::now();
  TokenCorpusWriteOptions options;
  if (!tokenizer.empty()) options.tokenizer = load_tokenizer(tokenizer);
  options.stream = stream;
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

int list_runs(const std::filesystem::path& runs_dir, const std::string& experiment) {
  std::vector<RunSummary> runs;
  for (auto& run : cradle::list_runs(runs_dir))
    if (experiment.empty() || run.experiment == experiment) runs.push_back(std::move(run));
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

void add_experiment_commands(CLI::App& app, CommandChoice& choice) {
  struct ExperimentRequest {  // what inspect and the data commands share
    std::string file, out, tokenizer;
    std::vector<std::string> overrides;
    bool stream = false;
    std::int64_t samples = 8;
  };
  auto inspect_request = std::make_shared<ExperimentRequest>();
  auto* inspect_command = app.add_subcommand("inspect", "Validate an experiment and print its model's layer table");
  inspect_command->add_option("experiment", inspect_request->file, "Experiment file (JSON)")->required();
  inspect_command->add_option("--set", inspect_request->overrides, "Override a field (repeatable)")
      ->check(kOverrideSyntax);
  inspect_command->callback([&choice, inspect_request] {
    choice.run = [inspect_request] { return inspect(inspect_request->file, inspect_request->overrides); };
  });

  auto* data = app.add_subcommand("data", "Look at an experiment's data");
  data->require_subcommand(1);
  auto stats_request = std::make_shared<ExperimentRequest>();
  auto* stats =
      data->add_subcommand("stats", "Print (and write) sizes, class histograms and value ranges of every split");
  stats->add_option("experiment", stats_request->file, "Experiment file (JSON)")->required();
  stats->add_option("--set", stats_request->overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
  stats->add_option("--out", stats_request->out, "Also write the statistics to this JSON file");
  stats->callback([&choice, stats_request] {
    choice.run = [stats_request] {
      return data_stats(stats_request->file, stats_request->overrides, stats_request->out);
    };
  });

  auto tokenize_request = std::make_shared<ExperimentRequest>();
  auto* tokenize =
      data->add_subcommand("tokenize", "Write a language-model experiment's text once as a memory-mapped token corpus");
  tokenize
      ->add_option("experiment", tokenize_request->file,
                   "Experiment file (JSON): task language_model, source text or jsonl")
      ->required();
  tokenize->add_option("--set", tokenize_request->overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
  tokenize->add_option("--out", tokenize_request->out, "The corpus folder to create (it must not exist)")->required();
  tokenize->add_option("--tokenizer", tokenize_request->tokenizer,
                       "Write with this tokenizer.json (a run's, to go on training its model) instead of training one");
  tokenize->add_flag(
      "--stream", tokenize_request->stream,
      "One input file in memory at a time, for text larger than memory (splits by record hash; no dedup_near)");
  tokenize->callback([&choice, tokenize_request] {
    choice.run = [r = tokenize_request] {
      return data_tokenize(r->file, r->overrides, r->out, r->tokenizer, r->stream);
    };
  });

  auto preview_request = std::make_shared<ExperimentRequest>();
  auto* preview = data->add_subcommand("preview", "Write before/after samples of every preprocessing step to a folder");
  preview->add_option("experiment", preview_request->file, "Experiment file (JSON)")->required();
  preview->add_option("--out", preview_request->out, "Folder to write (created if needed)")->required();
  preview->add_option("--n", preview_request->samples, "Samples per step (default 8)")->check(CLI::Range(1, 1000));
  preview->add_option("--set", preview_request->overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
  preview->callback([&choice, preview_request] {
    choice.run = [r = preview_request] { return data_preview(r->file, r->overrides, r->samples, r->out); };
  });

  struct RunsRequest {
    std::string folder = "runs", experiment;
  };
  auto runs_request = std::make_shared<RunsRequest>();
  auto* runs = app.add_subcommand("runs", "List the runs in a folder: status, test metric, start time");
  runs->add_option("folder", runs_request->folder, "Folder of run folders (default runs)");
  runs->add_option("--experiment", runs_request->experiment, "Only the runs of this experiment name");
  runs->callback([&choice, runs_request] {
    choice.run = [runs_request] { return list_runs(runs_request->folder, runs_request->experiment); };
  });
}

}  // namespace cradle::cli
