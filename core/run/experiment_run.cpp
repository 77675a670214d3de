#include "core/run/experiment_run.h"

#include <torch/torch.h>

#include <functional>
#include <thread>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/data/data_cache.h"
#include "core/distributed/data_parallel_group.h"
#include "core/models/model_inspection.h"
#include "core/run/log_writer.h"
#include "core/run/metrics_writer.h"
#include "core/run/run_report.h"
#include "core/run/sample_snapshots.h"
#include "core/run/stages/stage_registry.h"
#include "core/train/autocast.h"
#include "core/train/checkpoint.h"
#include "core/train/layer_selection.h"
#include "core/train/runtime.h"

namespace cradle {
namespace fs = std::filesystem;

// What every stage shares; the stage's own part is its runner (core/run/stages/).
struct ExperimentRun::State {
  StageContext context;
  std::unique_ptr<StageRunner> stage;
  int threads = 1;
  ModelSummary summary;
  std::vector<TrainingObserver*> observers;  // the caller's
  std::unique_ptr<MetricsWriter> metrics;
  std::unique_ptr<LogWriter> log;
  std::unique_ptr<SampleSnapshots> samples;                    // images and language models with a validation split
  fs::path resume_from;                                        // empty for a new run
  DataParallelGroup* group = nullptr;                          // data-parallel runs
  std::function<double(std::int64_t)> learning_rate_override;  // the range test

  void write_log(const std::string& line) {
    if (log) log->write(line);
  }
  void prepare_stage(const fs::path& run_dir);
  void open_writers();
  void describe_start(bool epochs_changed);
  std::vector<TrainingObserver*> observers_with(FinalMetrics& final_metrics) const;
  TrainerSetup trainer_setup(const StopSignal* stop, RunControl* control) const;
};

namespace {

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

// Processes sharing a machine share its cores, unless the experiment names a thread count.
int configure_threads(const Experiment& experiment, const DataParallelGroup* group) {
  const int local_processes = group ? group->config().local_world_size : 1;
  return configure_runtime(
      experiment.threads == 0 && local_processes > 1
          ? threads_per_local_process(static_cast<int>(std::thread::hardware_concurrency()), local_processes)
          : experiment.threads);
}

}  // namespace

std::unique_ptr<ExperimentRun> ExperimentRun::resume(const fs::path& run_dir, std::int64_t epochs,
                                                     DataParallelGroup* group) {
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
  StageContext& c = s.context;
  s.resume_from = resume_from;
  s.group = group;
  c.resuming = !resume_from.empty();
  c.writes = !group || group->is_main();
  s.stage = make_stage_runner(experiment);
  if (group) s.stage->check_data_parallel();
  if (!c.resuming && c.writes) check_run_folder_is_free(run_dir);  // before spending time on the data
  c.experiment = with_absolute_paths(experiment);
  s.threads = configure_threads(c.experiment, group);
  c.device = resolve_device(c.experiment.device);
  c.log = [&s](const std::string& line) { s.write_log(line); };
  s.prepare_stage(run_dir);
  if (!c.writes) return;  // the rest writes the run folder: rank 0's job
  const bool epochs_changed =
      c.resuming && load_experiment(c.folder.experiment_file()).train.epochs != c.experiment.train.epochs;
  if (!c.resuming || epochs_changed)
    write_text_atomically(c.folder.experiment_file(), serialize_experiment(c.experiment));
  s.open_writers();
  s.describe_start(epochs_changed);
}

// Data is checked before the folder is made, so a bad data file or base run leaves nothing behind.
void ExperimentRun::State::prepare_stage(const fs::path& run_dir) {
  StageContext& c = context;
  // A resumed run keeps its own tokenizer: the model's embedding rows are its token ids.
  // So does every rank after the first: rank 0 has saved the tokenizer it made or took over.
  if ((c.resuming || !c.writes) && stage->keeps_tokenizer())
    c.saved_tokenizer = load_tokenizer(RunFolder{run_dir}.tokenizer_file());
  stage->load(c);
  torch::manual_seed(c.experiment.seed);
  stage->build(c);
  auto model = stage->model();
  summary = summarize_model(model, stage->input_shape());
  // Checked here, so that a typo fails before the run folder exists.
  check_layer_patterns(c.experiment.train.freeze.layers, *model, "train.freeze.layers");
  for (std::size_t g = 0; g < c.experiment.train.layer_lr.size(); ++g)
    check_layer_patterns(c.experiment.train.layer_lr[g].layers, *model,
                         "train.layer_lr[" + std::to_string(g) + "].layers");
  c.folder = !c.writes ? RunFolder{run_dir} : c.resuming ? open_run_folder(run_dir) : create_run_folder(run_dir);
  stage->enter_folder(c);
}

void ExperimentRun::State::open_writers() {
  const StageContext& c = context;
  metrics = std::make_unique<MetricsWriter>(c.folder.metrics_file());  // both append
  log = std::make_unique<LogWriter>(c.folder.log_file());
  if (!c.resuming && stage->tokenizer()) stage->tokenizer()->save(c.folder.tokenizer_file());
  samples = stage->sample_snapshots(c);
}

// train.log's opening lines: how and where it runs, then the stage's own.
void ExperimentRun::State::describe_start(bool epochs_changed) {
  const StageContext& c = context;
  const Experiment& e = c.experiment;
  if (group)
    write_log("distributed: " + group->description() + "; train.batch_size " + std::to_string(e.train.batch_size) +
              " per process, " + std::to_string(e.train.batch_size * group->size()) + " per step in all");
  if (c.resuming)
    write_log("resumed from checkpoints/" + resume_from.filename().string() +
              (epochs_changed ? ", train.epochs now " + std::to_string(e.train.epochs) : std::string()));
  write_log("cradle " CRADLE_VERSION ", LibTorch " TORCH_VERSION ", " + std::to_string(threads) + " threads, device " +
            c.device.str() + ", precision " + to_string(e.train.precision));
  if (e.train.precision == Precision::Bfloat16 && !c.device.is_cuda() && !cpu_has_native_bfloat16())
    write_log(
        "warning: this processor has no native bfloat16 (avx512_bf16, amx_bf16): bfloat16 is emulated and "
        "likely slower than float32");
  const CacheOutcome cache = stage->data_cache();
  if (cache != CacheOutcome::Off)
    write_log(std::string("data: ") +
              (cache == CacheOutcome::Hit ? "read from the cache " : "prepared and cached in ") +
              data_cache_dir().string() + " (key " + data_cache_key(e) + ")");
  stage->describe(c);
}

std::vector<TrainingObserver*> ExperimentRun::State::observers_with(FinalMetrics& final_metrics) const {
  std::vector<TrainingObserver*> all = {&final_metrics};
  if (context.writes) all.insert(all.end(), {metrics.get(), log.get()});
  if (samples) all.push_back(samples.get());
  all.insert(all.end(), observers.begin(), observers.end());
  return all;
}

TrainerSetup ExperimentRun::State::trainer_setup(const StopSignal* stop, RunControl* control) const {
  TrainerSetup setup;
  setup.checkpoint_dir = context.writes ? context.folder.checkpoint_dir() : fs::path();
  setup.stop = stop;
  setup.device = context.device;
  setup.resume_from = resume_from;
  setup.control = control;
  setup.group = group;
  setup.learning_rate_at = learning_rate_override;
  return setup;
}

ExperimentRun::~ExperimentRun() = default;

const Experiment& ExperimentRun::experiment() const { return state_->context.experiment; }
const RunFolder& ExperimentRun::folder() const { return state_->context.folder; }
const ModelSummary& ExperimentRun::model_summary() const { return state_->summary; }
std::int64_t ExperimentRun::train_samples() const { return state_->stage->train_samples(); }
const std::vector<std::string>& ExperimentRun::skipped_files() const { return state_->stage->skipped(); }
int ExperimentRun::threads() const { return state_->threads; }
const fs::path& ExperimentRun::resumed_from() const { return state_->resume_from; }
std::string ExperimentRun::device_name() const { return state_->context.device.str(); }
void ExperimentRun::add_observer(TrainingObserver& observer) { state_->observers.push_back(&observer); }
void ExperimentRun::override_learning_rate(std::function<double(std::int64_t)> rate) {
  state_->stage->check_learning_rate_override();
  state_->learning_rate_override = std::move(rate);
}

RunResult ExperimentRun::train(const StopSignal* stop, RunControl* control) {
  State& s = *state_;
  const StageContext& c = s.context;
  FinalMetrics final_metrics;
  const auto run_training =
      s.stage->prepare_training(c, s.trainer_setup(stop, control), s.observers_with(final_metrics));

  RunReportStart start;
  const std::string now = utc_timestamp();
  // A resumed run started when its first part did (the stopped run's report says when).
  start.started_at = s.resume_from.empty() ? now : first_start(c.folder).value_or(now);
  start.resumed_from = s.resume_from;
  start.resumed_at = now;
  start.threads = s.threads;
  start.device = device_name();
  start.parameters = s.summary.total_parameters;
  Json report = start_run_report(c.experiment, start);
  s.stage->report_setup(c, report);
  if (s.group) report_data_parallel(report, c.experiment, s.group->size());

  RunResult result;
  if (!c.writes) {  // another rank: it trains its shard; rank 0 reports
    result.outcome = run_training();
    return result;
  }
  // Whatever fails from here (a NaN, a full disk while writing a checkpoint or
  // the model) ends with the report saying so, where the disk still takes it.
  try {
    result.outcome = run_training();
    s.stage->finish_model(c);
    save_model_weights(c.folder.model_file(), *s.stage->model());
    result.validation = final_metrics.validation;
    result.test = final_metrics.test;
    report_outcome(report, c.experiment, result.outcome, final_metrics);
    s.stage->report_results(c, report);
    report_files(report, s.stage->tokenizer() != nullptr);
    write_text_atomically(c.folder.report_file(), report.dump(2) + "\n");
  } catch (const std::exception& error) {
    record_failure(c.folder.report_file(), report, error.what());
    throw;
  }
  return result;
}

}  // namespace cradle
