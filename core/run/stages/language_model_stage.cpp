#include "core/run/stages/language_model_stage.h"

#include "core/hub/hub_model.h"
#include "core/models/model_factory.h"
#include "core/run/run_weights.h"
#include "core/run/sample_snapshots.h"
#include "core/run/stages/prepared_text_lines.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {

namespace {

bool continues_pretraining(const Experiment& e) {
  return e.stage == Stage::Pretrain && (e.model_inherited || e.model.is_pretrained() ||
                                        (!e.init_from.empty() && is_hub_model_folder(e.resolve(e.init_from))));
}

}  // namespace

void LanguageModelStage::load(StageContext& c) {
  continued_ = continues_pretraining(c.experiment);
  if (!continued_) return load_text(c, WeightTransfer::source_tokenizer(c));
  base_ = adopt_base_run(c);  // the model, and the tokenizer its embedding rows are numbered by
  load_text(c, base_.tokenizer);
}

void LanguageModelStage::load_text(StageContext& c, std::shared_ptr<const Tokenizer> tokenizer) {
  data_ = load_language_model_data(c.experiment, std::move(tokenizer));
  tokenizer_ = data_.tokenizer;
  input_shape_ = {c.experiment.data.context_length};
  outputs_ = data_.vocab_size();
}

void LanguageModelStage::build(StageContext& c) {
  model_ = build_model(c.experiment.model, input_shape_, outputs_, {});  // a model folder's come with it
  if (!continued_)
    transfer_.apply(c, model_);
  else if (!c.resuming && !base_.weights.empty())
    load_weights_file(base_.weights, *model_);  // a checkpoint has its own
  // LoRA and checkpointing of a model from a folder (continued, or a distilled student); nothing for others.
  tuning_ = prepare_pretrained_tuning(model_, c.experiment.model, c.experiment.train, c.device);
}

// A LoRA run keeps its adapters in peft's layout; model.pt gets them folded in.
void LanguageModelStage::finish_model(const StageContext& c) {
  if (!tuning_.lora) return;
  c.log(save_and_merge_adapters(model_, adapter_base_model(c.experiment), c.folder.adapter_dir()));
}

void LanguageModelStage::describe(const StageContext& c) const {
  transfer_.describe(c);
  if (continued_ && !c.resuming)
    c.log("continued pretraining of " + c.experiment.init_from + " (" +
          (base_.weights.empty() ? std::string("the model folder's weights") : base_.weights.filename().string()) +
          ")");
  if (!tuning_.describe().empty()) c.log(tuning_.describe());
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
  if (continued_) report["init_from"] = c.experiment.init_from;
  tuning_.report(report);
  report["data"] = language_model_data_summary(data_);
}

std::unique_ptr<StageRunner> make_language_model_stage() { return std::make_unique<LanguageModelStage>(); }

}  // namespace cradle
