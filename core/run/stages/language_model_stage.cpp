#include "core/run/stages/language_model_stage.h"

#include "core/models/model_factory.h"
#include "core/run/sample_snapshots.h"
#include "core/run/stages/prepared_text_lines.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {

void LanguageModelStage::load(StageContext& c) { load_text(c, WeightTransfer::source_tokenizer(c)); }

void LanguageModelStage::load_text(StageContext& c, std::shared_ptr<const Tokenizer> tokenizer) {
  data_ = load_language_model_data(c.experiment, std::move(tokenizer));
  tokenizer_ = data_.tokenizer;
  input_shape_ = {c.experiment.data.context_length};
  outputs_ = data_.vocab_size();
}

void LanguageModelStage::build(StageContext& c) {
  model_ = build_model(c.experiment.model, input_shape_, outputs_, {});
  transfer_.apply(c, model_);
}

void LanguageModelStage::describe(const StageContext& c) const {
  transfer_.describe(c);
  describe_prepared_text(c, data_.text);
  c.log("data: tokenizer " + tokenizer_->type() + ", " + std::to_string(tokenizer_->vocab_size()) + " tokens; " +
        std::to_string(data_.train_tokens) + " training tokens");
}

std::unique_ptr<SampleSnapshots> LanguageModelStage::sample_snapshots(const StageContext& c) {
  if (data_.validation.size() == 0) return nullptr;
  return SampleSnapshots::for_language_model(model_, data_.validation, tokenizer_, c.experiment.data.context_length,
                                             c.experiment.seed, c.folder.samples_file());
}

void LanguageModelStage::report_setup(const StageContext& c, Json& report) const {
  transfer_.report(c, report);
  report["data"] = language_model_data_summary(data_);
}

std::unique_ptr<StageRunner> make_language_model_stage() { return std::make_unique<LanguageModelStage>(); }

}  // namespace cradle
