// Stage "pretrain" of task "classification" on texts (sources text_folder,
// jsonl): a tokenizer trained on the training split (or the run's own, or the
// transfer source's), the records cut and padded to data.context_length, and
// a text classifier from scratch or from another run's weights.
#include <cstdio>

#include "core/data/text_classification_data.h"
#include "core/models/text_classifier.h"
#include "core/run/stages/prepared_text_lines.h"
#include "core/run/stages/stage_registry.h"
#include "core/run/stages/weight_transfer.h"

namespace cradle {
namespace {

class TextClassificationStage : public StageRunner {
 public:
  bool keeps_tokenizer() const override { return true; }

  void load(StageContext& c) override {
    data_ = load_text_classification_data(c.experiment, WeightTransfer::source_tokenizer(c));
    tokenizer_ = data_.tokenizer;
    input_shape_ = data_.input_shape;
    outputs_ = data_.num_classes();
  }

  void build(StageContext& c) override {
    model_ = build_text_classifier(c.experiment.model, input_shape_.at(0), data_.vocab_size(), outputs_);
    transfer_.apply(c, model_);
  }

  void describe(const StageContext& c) const override {
    transfer_.describe(c);
    describe_prepared_text(c, data_.text);
    char line[256];
    std::snprintf(line, sizeof line,
                  "data: tokenizer %s, %lld tokens; %lld classes; %.1f tokens per training text on average, "
                  "%lld of %lld cut to data.context_length %lld; majority-class test accuracy %.4f",
                  tokenizer_->type().c_str(), static_cast<long long>(tokenizer_->vocab_size()),
                  static_cast<long long>(data_.num_classes()), data_.mean_tokens,
                  static_cast<long long>(data_.truncated_records), static_cast<long long>(data_.text.train.size()),
                  static_cast<long long>(c.experiment.data.context_length), data_.majority_baseline_accuracy);
    c.log(line);
  }

  void report_setup(const StageContext& c, Json& report) const override {
    transfer_.report(c, report);
    report["class_names"] = data_.class_names;
    report["data"] = text_classification_data_summary(data_);
  }

  const std::vector<std::string>& skipped() const override { return data_.text.skipped; }
  CacheOutcome data_cache() const override { return data_.cache; }

 protected:
  const DataSplits& data() const override { return data_; }

 private:
  TextClassificationData data_;
  WeightTransfer transfer_;
};

}  // namespace

std::unique_ptr<StageRunner> make_text_classification_stage() { return std::make_unique<TextClassificationStage>(); }

}  // namespace cradle
