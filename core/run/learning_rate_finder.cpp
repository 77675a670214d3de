#include "core/run/learning_rate_finder.h"

#include <chrono>
#include <cstdlib>
#include <system_error>

#include "core/common/error.h"
#include "core/run/experiment_run.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// Records each step's loss and stops the run at the range's end, on divergence or on the caller's stop.
class RangeTestObserver : public TrainingObserver {
 public:
  RangeTestObserver(const LearningRateRange& range, StopSignal& stop_run, const StopSignal* caller_stop,
                    const std::function<void(const RangeTestPoint&)>& on_point)
      : range_(range), stop_run_(stop_run), caller_stop_(caller_stop), on_point_(on_point) {}

  void on_step(const StepMetrics& m) override {
    const bool going = curve.add(m.lr, m.loss);
    if (on_point_) on_point_(curve.points().back());
    if (!going || m.step >= range_.steps || (caller_stop_ && caller_stop_->requested())) stop_run_.request();
  }

  RangeTestCurve curve;

 private:
  const LearningRateRange& range_;
  StopSignal& stop_run_;
  const StopSignal* caller_stop_;
  const std::function<void(const RangeTestPoint&)>& on_point_;
};

// A fresh folder under the system's temporary folder, removed when this goes.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern = (fs::temp_directory_path() / "cradle-lr-find-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw IoError("cannot create a scratch folder under " + fs::temp_directory_path().string());
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

LearningRateFinding find_learning_rate(const Experiment& experiment, const LearningRateRange& range,
                                       const StopSignal* stop,
                                       const std::function<void(const RangeTestPoint&)>& on_point) {
  check_learning_rate_range(range);
  if (experiment.stage == Stage::Ppo)
    throw ConfigError("stage ppo: the learning-rate range test needs batches of a dataset");
  Experiment test = experiment;
  test.train.log_every = 1;         // every step's loss
  test.train.epochs = range.steps;  // at least one step an epoch: never short of steps (the observer stops it)
  test.train.early_stopping.enabled = false;
  test.train.keep_checkpoints = 1;
  const auto started = std::chrono::steady_clock::now();
  ScratchFolder scratch;
  ExperimentRun run(test, scratch.path() / "run");
  run.override_learning_rate([range](std::int64_t step) { return range.at(step); });
  StopSignal stop_run;
  RangeTestObserver observer(range, stop_run, stop, on_point);
  run.add_observer(observer);
  LearningRateFinding finding;
  finding.range = range;
  try {
    run.train(&stop_run);
  } catch (const std::exception&) {
    // A non-finite loss or gradient ends training with an error: for this test, the usual end.
    if (observer.curve.points().size() < 2) throw;
    finding.diverged = true;
  }
  finding.points = observer.curve.points();
  finding.diverged = finding.diverged || observer.curve.diverged();
  finding.suggestion = suggest_learning_rate(finding.points);
  finding.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return finding;
}

Json learning_rate_finding_json(const LearningRateFinding& finding) {
  Json points = Json::array();
  for (const auto& p : finding.points) points.push_back(Json{{"lr", p.lr}, {"loss", p.loss}, {"smoothed", p.smoothed}});
  Json out = {{"min_lr", finding.range.min_lr},     {"max_lr", finding.range.max_lr}, {"steps", finding.range.steps},
              {"steps_run", finding.points.size()}, {"diverged", finding.diverged},   {"seconds", finding.seconds}};
  if (const auto& s = finding.suggestion) {
    out["suggested_lr"] = s->lr;
    out["rule"] = s->rule;
    out["steepest_lr"] = s->steepest_lr;
    out["lowest_lr"] = s->lowest_lr;
  } else {
    out["suggested_lr"] = nullptr;
  }
  out["points"] = std::move(points);
  return out;
}

}  // namespace cradle
