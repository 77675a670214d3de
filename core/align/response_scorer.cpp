#include "core/align/response_scorer.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/align/programmatic_reward.h"
#include "core/common/error.h"
#include "core/data/preference_data.h"
#include "core/models/evaluation_mode.h"
#include "core/models/reward_model.h"
#include "core/run/run_chat_format.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"

namespace cradle {
namespace {

// The programmatic rewards read the user's last message and the reply's text.
class ProgrammaticScorer : public ResponseScorer {
 public:
  explicit ProgrammaticScorer(std::unique_ptr<RewardFunction> function) : function_(std::move(function)) {}
  std::vector<double> score(const std::vector<std::vector<ChatMessage>>& prompts,
                            const std::vector<std::string>& responses) override {
    std::vector<double> scores;
    for (std::size_t i = 0; i < responses.size(); ++i)
      scores.push_back(function_->score(prompts[i].empty() ? "" : prompts[i].back().content, responses[i]));
    return scores;
  }
  std::string description() const override { return "programmatic reward " + function_->to_json().dump(); }

 private:
  std::unique_ptr<RewardFunction> function_;
};

// A reward run: the conversation with the response appended, rendered with
// the reward model's own tokenizer, read at its last token.
class RewardModelScorer : public ResponseScorer {
 public:
  RewardModelScorer(const std::filesystem::path& run_dir, torch::Device device)
      : device_(device), run_(run_dir.string()) {
    const RunFolder run = open_run_folder(run_dir);
    experiment_ = load_experiment(run.experiment_file());
    if (!is_reward_modelling(experiment_))
      throw ConfigError("align.reward_run: " + run_dir.string() + " is a stage \"" + to_string(experiment_.stage) +
                        "\" " + to_string(experiment_.task) + " run, not a reward model (stage \"reward\")");
    tokenizer_ = load_tokenizer(run.tokenizer_file());
    format_ = run_chat_format(experiment_.model, tokenizer_);
    model_ = build_reward_model(experiment_.model, experiment_.data.context_length, tokenizer_->vocab_size());
    load_weights_file(resolve_checkpoint(run.root, "last"), *model_);
    model_->to(device_);
    model_->eval();
  }

  std::vector<double> score(const std::vector<std::vector<ChatMessage>>& prompts,
                            const std::vector<std::string>& responses) override {
    std::vector<std::vector<ChatMessage>> conversations;
    for (std::size_t i = 0; i < responses.size(); ++i) {
      conversations.push_back(prompts[i]);
      conversations.back().push_back({"assistant", responses[i]});
    }
    const auto rows = conversation_rows(*format_, conversations, experiment_.data.context_length,
                                        reward_padding_id(experiment_.model));
    torch::NoGradGuard no_grad;
    const EvaluationMode evaluation(*model_);
    std::vector<double> scores;
    const auto n = rows.size(0), batch = experiment_.eval.batch_size;
    for (std::int64_t begin = 0; begin < n; begin += batch) {
      const auto rewards = model_->forward(rows.slice(0, begin, std::min(n, begin + batch)).to(device_))
                               .reshape({-1})
                               .to(torch::kFloat64)
                               .cpu()
                               .contiguous();
      scores.insert(scores.end(), rewards.data_ptr<double>(), rewards.data_ptr<double>() + rewards.numel());
    }
    return scores;
  }
  std::string description() const override { return "reward model " + run_; }

 private:
  torch::Device device_;
  std::string run_;
  Experiment experiment_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::shared_ptr<const ChatFormat> format_;
  torch::nn::Sequential model_{nullptr};
};

}  // namespace

std::unique_ptr<ResponseScorer> make_response_scorer(const Experiment& e, torch::Device device) {
  if (!e.align.reward_run.empty()) return std::make_unique<RewardModelScorer>(e.resolve(e.align.reward_run), device);
  return std::make_unique<ProgrammaticScorer>(parse_reward_function(e.align.reward_function, "align.reward_function"));
}

}  // namespace cradle
