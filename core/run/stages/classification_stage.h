#pragma once
// Stage "pretrain" of task "classification" or "regression" on images or
// tables (sources idx, cifar10, image_folder, csv): the model of the
// experiment from scratch, or from another run's weights (init_from). The same
// loop serves both tasks; regression has one output and reports its target's
// statistics. Pruning and distilling such a model build on this runner.
#include "core/run/stages/image_table_data.h"
#include "core/run/stages/stage_runner.h"
#include "core/run/stages/weight_transfer.h"

namespace cradle {

class ClassificationStage : public StageRunner {
 public:
  bool keeps_tokenizer() const override { return false; }
  void load(StageContext& context) override;
  void build(StageContext& context) override;
  void describe(const StageContext& context) const override;
  std::unique_ptr<SampleSnapshots> sample_snapshots(const StageContext& context) override;
  void report_setup(const StageContext& context, Json& report) const override;
  const std::vector<std::string>& skipped() const override { return inputs_.data.skipped_files; }
  CacheOutcome data_cache() const override { return inputs_.cache; }

 protected:
  const DataSplits& data() const override { return inputs_.data; }
  void configure_trainer(const StageContext& context, TrainerSetup& setup) override;
  // A fresh model of `spec` for this data (a compression stage's original).
  torch::nn::Sequential build_for_data(const ModelSpec& spec) const;

  ImageTableData inputs_;
  WeightTransfer transfer_;
};

}  // namespace cradle
