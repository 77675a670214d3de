#include "tests/core/train_to_test_accuracy.h"

#include <torch/torch.h>

#include "core/models/model_factory.h"
#include "core/train/trainer.h"

namespace cradle::test {

double train_to_test_accuracy(const Experiment& experiment, const ClassificationData& data) {
  torch::manual_seed(experiment.seed);
  Trainer trainer(experiment, build_model(experiment.model, data.input_shape, data.num_classes(), data.category_sizes),
                  data, TrainerSetup{});
  struct TestAccuracy : TrainingObserver {
    double accuracy = -1;
    void on_evaluation(const EvaluationMetrics& m) override {
      if (m.split == "test") accuracy = m.accuracy;
    }
  } result;
  trainer.add_observer(result);
  trainer.run();
  return result.accuracy;
}

}  // namespace cradle::test
