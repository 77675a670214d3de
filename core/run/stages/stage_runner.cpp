#include "core/run/stages/stage_runner.h"

#include "core/run/sample_snapshots.h"

namespace cradle {

std::unique_ptr<SampleSnapshots> StageRunner::sample_snapshots(const StageContext& context) { return nullptr; }

StageRunner::TrainingLoop StageRunner::prepare_training(const StageContext& context, TrainerSetup setup,
                                                        const std::vector<TrainingObserver*>& observers) {
  configure_trainer(context, setup);
  auto trainer = std::make_shared<Trainer>(context.experiment, model_, data(), std::move(setup));
  trainer_ready(context);
  for (auto* observer : observers) trainer->add_observer(*observer);
  return [trainer] { return trainer->run(); };
}

}  // namespace cradle
