#pragma once
// Stage "pretrain" of task "language_model": next-token prediction over
// prepared text (or a mapped token corpus), with a tokenizer trained on the
// training split (or the run's own, or the transfer source's). Continued
// pretraining — init_from a Hugging Face model folder, a run tuned from one,
// or a language-model run, with no model section — takes that model, its
// weights and its tokenizer (documents end in its own end-of-text token), and
// with train.lora tunes adapters as the later stages do. Distilling a
// language model builds on this runner.
#include "core/data/language_model_data.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/stages/base_run.h"
#include "core/run/stages/stage_runner.h"
#include "core/run/stages/weight_transfer.h"

namespace cradle {

class LanguageModelStage : public StageRunner {
 public:
  bool keeps_tokenizer() const override { return true; }
  void load(StageContext& context) override;
  void build(StageContext& context) override;
  void describe(const StageContext& context) const override;
  std::unique_ptr<SampleSnapshots> sample_snapshots(const StageContext& context) override;
  void report_setup(const StageContext& context, Json& report) const override;
  void finish_model(const StageContext& context) override;
  const std::vector<std::string>& skipped() const override { return data_.text.skipped; }
  CacheOutcome data_cache() const override { return data_.cache; }

 protected:
  const DataSplits& data() const override { return data_; }
  // The text read through `tokenizer` (null: one trained on the training split).
  void load_text(StageContext& context, std::shared_ptr<const Tokenizer> tokenizer);

  LanguageModelData data_;
  WeightTransfer transfer_;
  bool continued_ = false;  // continued pretraining of init_from's model
  BaseRun base_;
  PretrainedTuning tuning_;
};

}  // namespace cradle
