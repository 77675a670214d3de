// Stage "dpo" of task "language_model": direct preference optimisation — the
// policy (a fine-tuned GPT, or a Hugging Face model straight from its folder
// or tuned from one) trained on labelled pairs to prefer the chosen response
// more than its frozen reference does (align.beta, label smoothing), without a
// reward model. With train.lora only adapters train, and the reference is the
// policy with them switched off.
#include <algorithm>

#include "core/align/direct_preference.h"
#include "core/models/model_factory.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/run_weights.h"
#include "core/run/sample_snapshots.h"
#include "core/run/stages/preference_pair_stage.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {
namespace {

class DirectPreferenceStage : public PreferencePairStage {
 public:
  void load(StageContext& c) override {
    load_pairs(c, {"DPO tunes a GPT or a Hugging Face model", true});
    outputs_ = data_.vocab_size();
  }

  void build(StageContext& c) override {
    model_ = build_model(c.experiment.model, input_shape_, outputs_, {});  // a model folder's come with it
    if (!c.resuming && !base_.weights.empty()) load_weights_file(base_.weights, *model_);  // a checkpoint has its own
    tuning_ = prepare_pretrained_tuning(model_, c.experiment.model, c.experiment.train, c.device);
  }

  void enter_folder(StageContext& c) override {
    const auto& align = c.experiment.align;
    if (tuning_.lora) {
      pair_scorer_ = std::make_unique<DirectPreferenceScorer>(
          DirectPreferenceScorer::with_adapters_off(align.beta, align.label_smoothing));
      return;
    }
    auto reference = load_reference_policy(c, base_, input_shape_, outputs_);
    pair_scorer_ = std::make_unique<DirectPreferenceScorer>(reference, align.beta, align.label_smoothing);
  }

  void describe(const StageContext& c) const override {
    const auto& d = data_;
    c.log("DPO from " + c.experiment.init_from + " (beta " + Json(c.experiment.align.beta).dump() +
          ", label smoothing " + Json(c.experiment.align.label_smoothing).dump() +
          "): " + std::to_string(d.train_pairs.size()) + " training pairs from " + std::to_string(d.files.size()) +
          " file(s), " + std::to_string(d.skipped.size()) + " bad lines skipped, " + std::to_string(d.undecided) +
          " ties and skips left out, " + std::to_string(d.truncated) +
          " cut to their last data.context_length tokens; " + d.format->name() +
          (tuning_.lora ? "; the reference is the policy with its adapters off" : ""));
    if (!tuning_.describe().empty()) c.log(tuning_.describe());
  }

  void report_setup(const StageContext& c, Json& report) const override {
    PreferencePairStage::report_setup(c, report);
    tuning_.report(report);
  }

  // A LoRA run keeps its adapters in peft's layout; model.pt gets them folded in.
  void finish_model(const StageContext& c) override {
    if (tuning_.lora) c.log(save_and_merge_adapters(model_, adapter_base_model(c.experiment), c.folder.adapter_dir()));
  }

  std::unique_ptr<SampleSnapshots> sample_snapshots(const StageContext& c) override {
    if (data_.validation_pairs.empty()) return nullptr;
    std::vector<std::vector<std::int64_t>> prompts;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, data_.validation_pairs.size()); ++i)
      prompts.push_back(data_.format->prompt(data_.validation_pairs[i].prompt));
    return SampleSnapshots::for_chat(model_, std::move(prompts), tokenizer_, data_.format->end_ids(),
                                     c.experiment.data.context_length, c.experiment.seed, c.folder.samples_file());
  }

 private:
  PretrainedTuning tuning_;
};

}  // namespace

std::unique_ptr<StageRunner> make_direct_preference_stage() { return std::make_unique<DirectPreferenceStage>(); }

}  // namespace cradle
