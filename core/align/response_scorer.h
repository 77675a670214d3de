#pragma once
// What PPO maximises: a score for each response to a prompt, from a learned
// reward model (a stage "reward" run) or a programmatic reward
// (core/align/programmatic_reward.h), behind one interface.
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/text/conversation_records.h"

namespace cradle {

class ResponseScorer {
 public:
  virtual ~ResponseScorer() = default;
  // One score per prompt and its response (the same count of each).
  virtual std::vector<double> score(const std::vector<std::vector<ChatMessage>>& prompts,
                                    const std::vector<std::string>& responses) = 0;
  virtual std::string description() const = 0;  // for the log: "reward model runs/judge" ...
};

// align.reward_run or align.reward_function of a PPO experiment. ConfigError
// naming the field when the run is not a reward model or the function is bad.
std::unique_ptr<ResponseScorer> make_response_scorer(const Experiment& experiment, torch::Device device);

}  // namespace cradle
