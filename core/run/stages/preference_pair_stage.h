#pragma once
// What the two stages trained on labelled pairs share (stage "reward", a
// reward model, and stage "dpo", direct preference optimisation): the base
// run they start from, the pairs (source "preferences", e.g. the rating
// panel's labels), and report.json's data section.
#include "core/data/preference_data.h"
#include "core/eval/preference_evaluation.h"
#include "core/run/stages/base_run.h"
#include "core/run/stages/stage_runner.h"

namespace cradle {

class PreferencePairStage : public StageRunner {
 public:
  bool keeps_tokenizer() const override { return true; }
  void report_setup(const StageContext& context, Json& report) const override;
  const std::vector<std::string>& skipped() const override { return data_.skipped; }

 protected:
  // `need`: which base models the stage tunes (base_run.h). The pairs are
  // rendered in the base model's chat format (core/run/run_chat_format.h).
  void load_pairs(StageContext& context, const BaseModelNeed& need);
  const DataSplits& data() const override { return data_; }
  void configure_trainer(const StageContext& context, TrainerSetup& setup) override;

  BaseRun base_;
  PreferenceData data_;
  std::unique_ptr<PairScorer> pair_scorer_;  // how the model scores a pair
};

}  // namespace cradle
