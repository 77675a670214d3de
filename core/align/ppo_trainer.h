#pragma once
// The PPO stage's loop (stage "ppo"), as in Ouyang et al. 2022 and TRL's
// classic PPO trainer. Each iteration takes train.batch_size prompts and
//   1. rolls out: the policy samples one response to each (align.temperature,
//      top_k, top_p, up to align.max_new_tokens, ending at end-of-turn);
//   2. scores: the reward (model or function) scores each response, less
//      align.missing_end_penalty for one that never ended its turn;
//   3. rewards each token with -beta (log pi - log pi_ref) against the frozen
//      reference, plus the score at the response's last token;
//   4. estimates advantages with GAE (gamma, lambda) on the value head's
//      predictions, whitened;
//   5. optimises the clipped policy objective and the clipped value loss for
//      align.ppo_epochs passes over minibatches of align.minibatch_size;
//   6. updates beta with the KL controller (core/align/kl_controller.h).
// An epoch is a pass over the training prompts in a seeded order; the
// validation prompts are answered before training and after every epoch, the
// test prompts at the end. Dropout is off throughout (the log-probabilities of
// rollout and update must agree). Observers hear every iteration as a step,
// with PPO's figures in StepMetrics::extra.
#include <torch/nn.h>
#include <torch/optim/optimizer.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/align/kl_controller.h"
#include "core/align/policy_value_model.h"
#include "core/align/response_scorer.h"
#include "core/common/file_io.h"
#include "core/data/prompt_data.h"
#include "core/experiment/experiment.h"
#include "core/train/checkpoint.h"
#include "core/train/events.h"
#include "core/train/learning_rate_schedule.h"
#include "core/train/run_control.h"
#include "core/train/stop_signal.h"

namespace cradle {

// Filled by name, never by position (see TrainerSetup).
struct PpoSetup {
  PpoSetup() {}                          // NOLINT(modernize-use-equals-default): user-provided, so not an aggregate
  std::filesystem::path checkpoint_dir;  // empty: no checkpoints
  const StopSignal* stop = nullptr;
  torch::Device device = torch::kCPU;
  std::filesystem::path resume_from;  // a checkpoint of this run to continue from
  RunControl* control = nullptr;
  std::filesystem::path samples_file;  // a few responses per iteration (empty: none)
};

// One batch of prompts answered by the policy.
struct Rollouts {
  std::vector<const ChatPrompt*> prompts;
  std::vector<std::string> texts;  // the responses as text
  std::vector<double> scores;      // from the scorer, before the missing-end penalty
  std::vector<bool> ended;         // the response ended its turn
  torch::Tensor tokens;            // [B, L] prompt then response, right-padded
  torch::Tensor positions;         // [B, R] where the logits predicting each response token are
  torch::Tensor response;          // [B, R] the response tokens
  torch::Tensor mask;              // [B, R] 1 on real response tokens
};

class PpoTrainer {
 public:
  // `reference` null: the policy with its LoRA adapters switched off is the
  // reference (core/models/lora.h), so the base is held once.
  PpoTrainer(const Experiment& experiment, PolicyValueModel policy, torch::nn::Sequential reference,
             ResponseScorer& scorer, const PromptData& prompts, PpoSetup setup);

  void add_observer(TrainingObserver& observer) { observers_.push_back(&observer); }
  TrainingOutcome run();

 private:
  TrainingOutcome train_iterations();
  Rollouts roll_out(const std::vector<const ChatPrompt*>& prompts, std::uint64_t seed);
  // Log-probabilities of the response tokens (at the sampling temperature),
  // and the values and entropies at their positions, under the policy.
  struct ResponseView {
    torch::Tensor logprobs, values, entropy;
  };
  ResponseView policy_view(const torch::Tensor& tokens, const torch::Tensor& positions, const torch::Tensor& response);
  torch::Tensor reference_logprobs(const Rollouts& rollouts);
  StepMetrics optimise(const Rollouts& rollouts, std::int64_t step, std::int64_t epoch);
  // What the updates aim at: the rewards (the KL penalty on every token, the
  // score on the last) as advantages and returns.
  struct Targets {
    torch::Tensor kl_tokens, advantages, returns;
  };
  Targets targets(const Rollouts& rollouts, const ResponseView& old, const torch::Tensor& reference, double beta) const;
  // The sums over one iteration's minibatch updates, for the logged means.
  struct UpdateSums {
    double policy_loss = 0, value_loss = 0, total_loss = 0, clip_fraction = 0, approx_kl = 0, entropy = 0;
    std::int64_t updates = 0;
  };
  // One optimizer step on the rollouts' `rows`.
  void update_minibatch(const Rollouts& rollouts, const ResponseView& old, const Targets& targets,
                        const torch::Tensor& rows, std::int64_t step, UpdateSums& sums);
  EvaluationMetrics evaluate(const std::string& split, const std::vector<ChatPrompt>& prompts, std::int64_t step,
                             std::int64_t epoch);
  void log_samples(const Rollouts& rollouts, std::int64_t step, std::int64_t epoch);
  void checkpoint(std::int64_t step, std::int64_t epoch, const std::string& file_name);
  CheckpointPosition resume();
  TrainingOutcome finish(TrainingStatus status, std::int64_t steps, std::int64_t epochs,
                         std::vector<double> throughputs);
  double elapsed_seconds() const;
  template <typename Method, typename... Args>
  void notify(Method method, const Args&... args) {
    for (auto* observer : observers_) (observer->*method)(args...);
  }

  const Experiment& experiment_;
  PolicyValueModel policy_;
  torch::nn::Sequential reference_;
  ResponseScorer& scorer_;
  const PromptData& prompts_;
  PpoSetup setup_;
  std::vector<TrainingObserver*> observers_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<LearningRateSchedule> schedule_;
  KlController kl_;
  std::unique_ptr<LineAppender> samples_;
  EpochCheckpoints epoch_checkpoints_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace cradle
