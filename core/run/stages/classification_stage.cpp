#include "core/run/stages/classification_stage.h"

#include "core/models/model_factory.h"
#include "core/run/sample_snapshots.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {

void ClassificationStage::load(StageContext& c) {
  inputs_.load(c.experiment);
  input_shape_ = inputs_.data.input_shape;
  outputs_ = inputs_.outputs(c.experiment);
}

torch::nn::Sequential ClassificationStage::build_for_data(const ModelSpec& spec) const {
  return build_model(spec, input_shape_, outputs_, inputs_.data.category_sizes);
}

void ClassificationStage::build(StageContext& c) {
  model_ = build_for_data(c.experiment.model);
  transfer_.apply(c, model_);
}

void ClassificationStage::describe(const StageContext& c) const {
  inputs_.describe_skipped(c);
  transfer_.describe(c);
  inputs_.describe_normalisation(c);
}

std::unique_ptr<SampleSnapshots> ClassificationStage::sample_snapshots(const StageContext& c) {
  return inputs_.snapshots(c, model_, input_shape_);
}

void ClassificationStage::report_setup(const StageContext& c, Json& report) const {
  transfer_.report(c, report);
  inputs_.report(c.experiment, report);
}

void ClassificationStage::configure_trainer(const StageContext& c, TrainerSetup& setup) {
  setup.augmenter = inputs_.augmenter.get();
}

std::unique_ptr<StageRunner> make_classification_stage() { return std::make_unique<ClassificationStage>(); }

}  // namespace cradle
