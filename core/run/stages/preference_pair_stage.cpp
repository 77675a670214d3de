#include "core/run/stages/preference_pair_stage.h"

#include "core/run/run_chat_format.h"

namespace cradle {

void PreferencePairStage::load_pairs(StageContext& c, const BaseModelNeed& need) {
  base_ = adopt_base_run(c, need);
  data_ = load_preference_data(c.experiment, base_.tokenizer, run_chat_format(c.experiment.model, base_.tokenizer));
  tokenizer_ = data_.tokenizer;
  input_shape_ = {c.experiment.data.context_length};
}

void PreferencePairStage::report_setup(const StageContext& c, Json& report) const {
  const auto& d = data_;
  report["stage"] = to_string(c.experiment.stage);
  report["init_from"] = c.experiment.init_from;
  report["data"] = Json{{"files", d.files},
                        {"train_pairs", d.train_pairs.size()},
                        {"validation_pairs", d.validation_pairs.size()},
                        {"test_pairs", d.test_pairs.size()},
                        {"truncated", d.truncated},
                        {"undecided", d.undecided},
                        {"skipped_lines", d.skipped.size()}};
  report["chat_format"] = d.format->name();
}

void PreferencePairStage::configure_trainer(const StageContext& c, TrainerSetup& setup) {
  setup.pair_scorer = pair_scorer_.get();
}

}  // namespace cradle
