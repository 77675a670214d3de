#pragma once
// `cradle-cli lr-find EXPERIMENT` and the wizard's Find button: the
// learning-rate range test (core/train/learning_rate_range.h) on the
// experiment's own model, data, optimizer and loss. It trains a fresh copy of
// the model in a scratch run folder that is removed afterwards, so nothing of
// the experiment or its runs changes: the weights it ends with are thrown
// away (the "restore" of a range test comes free).
#include <filesystem>
#include <functional>

#include "core/experiment/experiment.h"
#include "core/experiment/json_object_reader.h"
#include "core/train/learning_rate_range.h"
#include "core/train/stop_signal.h"

namespace cradle {

struct LearningRateFinding {
  LearningRateRange range;
  std::vector<RangeTestPoint> points;  // one per optimizer step taken
  bool diverged = false;               // stopped because the loss blew up (the usual end)
  std::optional<LearningRateSuggestion> suggestion;
  double seconds = 0;
};

// Runs the test. `on_point` hears every point as it comes (the studio's plot);
// `stop` ends it early with what was recorded. ConfigError for a stage the
// test does not apply to (ppo).
LearningRateFinding find_learning_rate(const Experiment& experiment, const LearningRateRange& range,
                                       const StopSignal* stop = nullptr,
                                       const std::function<void(const RangeTestPoint&)>& on_point = {});

Json learning_rate_finding_json(const LearningRateFinding& finding);

}  // namespace cradle
