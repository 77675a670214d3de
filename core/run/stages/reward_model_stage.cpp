// Stage "reward" of task "language_model": a reward model — a pretrained or
// fine-tuned GPT's trunk with a new scalar head — trained on labelled pairs
// to score the chosen response above the rejected one (pairwise loss with
// align.margin). PPO's reward comes from such a run.
#include "core/models/model_factory.h"
#include "core/models/reward_model.h"
#include "core/run/run_weights.h"
#include "core/run/stages/preference_pair_stage.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {
namespace {

class RewardModelStage : public PreferencePairStage {
 public:
  void load(StageContext& c) override {
    load_pairs(c, "the reward model is built on a GPT's trunk");
    outputs_ = 1;
  }

  void build(StageContext& c) override {
    model_ = build_reward_model(c.experiment.model, input_shape_.at(0), data_.vocab_size());
    if (!c.resuming) {  // the trunk from the base run; the head is new
      auto language_model = build_model(c.experiment.model, input_shape_, data_.vocab_size(), {});
      load_weights_file(base_.weights, *language_model);
      new_weights_ = copy_matching_weights(*language_model, *model_);
    }
    pair_scorer_ = std::make_unique<RewardHeadScorer>(c.experiment.align.margin);
  }

  void describe(const StageContext& c) const override {
    const auto& d = data_;
    std::string fresh;
    for (const auto& name : new_weights_) fresh += (fresh.empty() ? "" : ", ") + name;
    c.log("reward model on " + c.experiment.init_from + "'s trunk (new: " + (fresh.empty() ? "nothing" : fresh) +
          "): " + std::to_string(d.train_pairs.size()) + " training pairs from " + std::to_string(d.files.size()) +
          " file(s), " + std::to_string(d.skipped.size()) + " bad lines skipped, " + std::to_string(d.undecided) +
          " ties and skips left out, " + std::to_string(d.truncated) +
          " renderings cut to their last data.context_length tokens");
  }

 private:
  std::vector<std::string> new_weights_;  // the head
};

}  // namespace

std::unique_ptr<StageRunner> make_reward_model_stage() { return std::make_unique<RewardModelStage>(); }

}  // namespace cradle
