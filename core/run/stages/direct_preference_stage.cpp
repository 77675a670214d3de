// Stage "dpo" of task "language_model": direct preference optimisation — the
// policy (a fine-tuned GPT) trained on labelled pairs to prefer the chosen
// response more than its frozen reference does (align.beta, label smoothing),
// without a reward model.
#include <algorithm>

#include "core/align/direct_preference.h"
#include "core/models/model_factory.h"
#include "core/run/run_weights.h"
#include "core/run/sample_snapshots.h"
#include "core/run/stages/preference_pair_stage.h"
#include "core/run/stages/stage_registry.h"
#include "core/text/chat_template.h"

namespace cradle {
namespace {

class DirectPreferenceStage : public PreferencePairStage {
 public:
  void load(StageContext& c) override {
    load_pairs(c, "DPO tunes a GPT");
    outputs_ = data_.vocab_size();
  }

  void build(StageContext& c) override {
    model_ = build_model(c.experiment.model, input_shape_, outputs_, {});
    if (!c.resuming) load_weights_file(base_.weights, *model_);  // a resumed run's checkpoint has its own
  }

  void enter_folder(StageContext& c) override {
    auto reference = load_reference_policy(c, base_, input_shape_, outputs_);
    pair_scorer_ = std::make_unique<DirectPreferenceScorer>(reference, c.experiment.align.beta,
                                                            c.experiment.align.label_smoothing);
  }

  void describe(const StageContext& c) const override {
    const auto& d = data_;
    c.log("DPO from " + c.experiment.init_from + " (beta " + Json(c.experiment.align.beta).dump() +
          ", label smoothing " + Json(c.experiment.align.label_smoothing).dump() +
          "): " + std::to_string(d.train_pairs.size()) + " training pairs from " + std::to_string(d.files.size()) +
          " file(s), " + std::to_string(d.skipped.size()) + " bad lines skipped, " + std::to_string(d.undecided) +
          " ties and skips left out, " + std::to_string(d.truncated) + " cut to their last data.context_length tokens");
  }

  std::unique_ptr<SampleSnapshots> sample_snapshots(const StageContext& c) override {
    if (data_.validation_pairs.empty()) return nullptr;
    std::vector<std::vector<std::int64_t>> prompts;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, data_.validation_pairs.size()); ++i)
      prompts.push_back(render_chat_prompt(*tokenizer_, data_.markers, data_.validation_pairs[i].prompt));
    return SampleSnapshots::for_chat(model_, std::move(prompts), tokenizer_, {data_.markers.end_of_turn},
                                     c.experiment.data.context_length, c.experiment.seed, c.folder.samples_file());
  }
};

}  // namespace

std::unique_ptr<StageRunner> make_direct_preference_stage() { return std::make_unique<DirectPreferenceStage>(); }

}  // namespace cradle
