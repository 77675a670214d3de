// Stage "reward" of task "language_model": a reward model — a pretrained or
// fine-tuned GPT's trunk, or a Hugging Face model's layers (from its folder or
// a run tuned from one), with a new scalar head — trained on labelled pairs
// to score the chosen response above the rejected one (pairwise loss with
// align.margin). With train.lora the head and the adapters train. PPO's
// reward comes from such a run.
#include "core/hub/hub_reward_model.h"
#include "core/hub/pretrained_language_model.h"
#include "core/models/model_factory.h"
#include "core/models/reward_model.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/run_weights.h"
#include "core/run/stages/preference_pair_stage.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {
namespace {

class RewardModelStage : public PreferencePairStage {
 public:
  void load(StageContext& c) override {
    load_pairs(c, {"the reward model is built on a GPT's trunk or a Hugging Face model", true});
    outputs_ = 1;
  }

  void build(StageContext& c) override {
    const ModelSpec& spec = c.experiment.model;
    if (spec.is_pretrained()) {
      build_on_architecture(c);
    } else {
      model_ = build_reward_model(spec, input_shape_.at(0), data_.vocab_size());
      if (!c.resuming) {  // the trunk from the base run; the head is new
        auto language_model = build_model(spec, input_shape_, data_.vocab_size(), {});
        load_weights_file(base_.weights, *language_model);
        new_weights_ = copy_matching_weights(*language_model, *model_);
      }
    }
    tuning_ = prepare_pretrained_tuning(model_, spec, c.experiment.train, c.device);
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
          " renderings cut to their last data.context_length tokens; " + d.format->name());
    if (!tuning_.describe().empty()) c.log(tuning_.describe() + "; the head trains too");
  }

  void report_setup(const StageContext& c, Json& report) const override {
    PreferencePairStage::report_setup(c, report);
    tuning_.report(report);
  }

  // model.pt holds the adapters folded in. peft's layout is not written for a
  // reward model: its head is not an adapter, and the merged weights are what PPO reads.
  void finish_model(const StageContext& c) override {
    if (!tuning_.lora) return;
    merge_adapters(*pretrained_architecture(model_));
    c.log("adapters merged into model/model.pt");
  }

 private:
  // A Hugging Face model's layers (the folder's, or a run's tuned from it) under a new head.
  void build_on_architecture(const StageContext& c) {
    auto language_model = build_model(c.experiment.model, input_shape_, data_.vocab_size(), {});
    if (!c.resuming && !base_.weights.empty()) load_weights_file(base_.weights, *language_model);
    model_ = hub_reward_sequential(pretrained_language_model(language_model));  // shared, not copied
    new_weights_ = {"reward.score.weight"};
  }

  std::vector<std::string> new_weights_;  // the head
  PretrainedTuning tuning_;
};

}  // namespace

std::unique_ptr<StageRunner> make_reward_model_stage() { return std::make_unique<RewardModelStage>(); }

}  // namespace cradle
