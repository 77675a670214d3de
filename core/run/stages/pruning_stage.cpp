// Stage "prune": a finished image or table run (init_from) made smaller and
// trained on. Method "magnitude" zeroes the smallest weights over
// compress.cycles epochs (masks held after every step); method "channels"
// removes whole convolution channels and neurons by the L1 norm of their
// filters before training, giving a narrower model. Either way report.json
// compares the result with the original (core/run/stages/compression_report.h).
// The experiment for it is made by core/run/pruning_experiment.h.
#include <algorithm>
#include <cstdio>

#include "core/common/error.h"
#include "core/compress/channel_pruning.h"
#include "core/compress/magnitude_pruning.h"
#include "core/models/model_inspection.h"
#include "core/run/compression_comparison.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"
#include "core/run/stages/classification_stage.h"
#include "core/run/stages/compression_report.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {
namespace {

// What both methods share: the original run's model and weights, and its data.
class PruningStage : public ClassificationStage {
 public:
  void load(StageContext& c) override {
    if (!c.resuming) adopt_original(c.experiment);
    ClassificationStage::load(c);
  }

  void build(StageContext& c) override {
    model_ = build_for_data(c.experiment.model);
    if (!c.resuming) load_weights_file(original_weights_, *model_);  // a resumed run's checkpoint has its own
  }

 protected:
  void report_start(const StageContext& c, Json& report) const {
    report["stage"] = "prune";
    report["init_from"] = c.experiment.init_from;
  }

 private:
  void adopt_original(Experiment& e) {
    const Experiment original = load_experiment(open_run_folder(e.init_from).experiment_file());
    if (original.task != e.task || is_text_classification(original))
      throw ConfigError("init_from: " + e.init_from + " is a task \"" + to_string(original.task) + "\" run on " +
                        to_string(original.data.source) + " data; stage \"prune\" of task \"" + to_string(e.task) +
                        "\" needs an image or table run of the same task");
    if (!e.model_inherited &&
        model_spec_to_json(e.model, original.task) != model_spec_to_json(original.model, original.task))
      throw ConfigError("model: differs from " + e.init_from + "'s " +
                        model_spec_to_json(original.model, original.task).dump() +
                        "; a pruned run keeps the model of the run it starts from: leave the model section out");
    e.model = original.model;
    e.model_inherited = false;  // the frozen experiment names it, so the run stands alone
    original_weights_ = resolve_checkpoint(e.init_from, "last");
  }

  std::filesystem::path original_weights_;
};

// Method "magnitude": the smallest weights zeroed at the start of each of the first compress.cycles epochs.
class MagnitudePruningStage : public PruningStage {
 public:
  void report_results(const StageContext& c, Json& report) override {
    report_start(c, report);
    Json layers = Json::array();
    for (const auto& l : pruner_->layers())
      layers.push_back({{"layer", l.layer},
                        {"shape", l.shape},
                        {"weights", l.weights},
                        {"zeros", l.zeros},
                        {"sparsity", l.sparsity()}});
    report["pruning"] = Json{{"sparsity", pruner_->sparsity()}, {"layers", layers}};
    report["compression"] = compare_compressed_model(c, model_, data(), c.experiment.init_from,
                                                     [this, &c] { return build_for_data(c.experiment.model); });
    c.log("pruned: " + describe_comparison(report["compression"]));
  }

 protected:
  void configure_trainer(const StageContext& c, TrainerSetup& setup) override {
    PruningStage::configure_trainer(c, setup);
    const CompressSpec& spec = c.experiment.compress;
    setup.on_epoch_start = [this, &c, spec](std::int64_t epoch) {
      // After the cycles this keeps the final sparsity (the zeros are the smallest weights, so
      // the same ones): a resumed run's masks, rebuilt from its checkpoint, hold them too.
      pruner_->prune_to(scheduled_sparsity(spec.sparsity, epoch, spec.cycles));
      if (epoch > spec.cycles) return;
      char line[200];
      std::snprintf(
          line, sizeof line,
          "epoch %lld: pruned to %.1f%% of the linear and convolution weights (%s magnitude, cycle %lld of %lld)",
          static_cast<long long>(epoch), 100 * pruner_->sparsity(), spec.scope.c_str(), static_cast<long long>(epoch),
          static_cast<long long>(spec.cycles));
      c.log(line);
    };
    setup.after_optimizer_step = [this] { pruner_->apply_masks(); };
  }

  // The masks live beside the weights, on the Trainer's device.
  void trainer_ready(const StageContext& c) override {
    pruner_ = std::make_unique<MagnitudePruner>(*model_, c.experiment.compress.scope);
  }

 private:
  std::unique_ptr<MagnitudePruner> pruner_;
};

// Method "channels": a narrower model before training, its spec the one frozen
// into experiment.json (so a resumed run builds it directly).
class ChannelPruningStage : public PruningStage {
 public:
  void build(StageContext& c) override {
    PruningStage::build(c);
    if (c.resuming) return;
    auto pruned = prune_channels(model_, c.experiment.model, c.experiment.compress.sparsity, input_shape_, outputs_,
                                 inputs_.data.category_sizes);
    model_ = pruned.model;
    c.experiment.model = pruned.spec;
    removed_ = std::move(pruned.layers);
  }

  void describe(const StageContext& c) const override {
    inputs_.describe_skipped(c);
    if (!removed_.empty()) {
      std::string removed;
      for (const auto& l : removed_)
        removed +=
            (removed.empty() ? "" : ", ") + l.layer + " " + std::to_string(l.total) + " -> " + std::to_string(l.kept);
      c.log("pruned channels and neurons by the L1 norm of their filters: " + removed);
    }
    inputs_.describe_normalisation(c);
  }

  void report_results(const StageContext& c, Json& report) override {
    report_start(c, report);
    const ModelSpec original = load_experiment(open_run_folder(c.experiment.init_from).experiment_file()).model;
    const ModelSpec& pruned = c.experiment.model;
    Json layers = Json::array();
    for (std::size_t i = 0;
         pruned.type == "cnn" && i < pruned.conv_channels.size() && i < original.conv_channels.size(); ++i)
      layers.push_back({{"layer", "conv" + std::to_string(i + 1)},
                        {"kept", pruned.conv_channels[i]},
                        {"of", original.conv_channels[i]}});
    for (std::size_t i = 0; i < pruned.hidden.size() && i < original.hidden.size(); ++i)
      layers.push_back(
          {{"layer", "fc" + std::to_string(i + 1)}, {"kept", pruned.hidden[i]}, {"of", original.hidden[i]}});
    const auto build_original = [this, original] { return build_for_data(original); };
    auto original_model = build_original();
    const std::int64_t original_flops = summarize_model(original_model, input_shape_).flops;
    const std::int64_t pruned_flops = summarize_model(model_, input_shape_).flops;
    report["pruning"] = Json{{"method", "channels"},
                             {"share_removed", c.experiment.compress.sparsity},
                             {"layers", layers},
                             {"flops_per_sample", {{"original", original_flops}, {"pruned", pruned_flops}}},
                             {"flops_ratio", static_cast<double>(pruned_flops) /
                                                 static_cast<double>(std::max<std::int64_t>(1, original_flops))}};
    report["compression"] = compare_compressed_model(c, model_, data(), c.experiment.init_from, build_original);
    c.log("pruned channels: FLOPs per sample " + std::to_string(original_flops) + " -> " +
          std::to_string(pruned_flops) + "; " + describe_comparison(report["compression"]));
  }

 private:
  std::vector<PrunedLayer> removed_;  // a new run: what was removed
};

}  // namespace

std::unique_ptr<StageRunner> make_pruning_stage(const Experiment& experiment) {
  if (is_channel_pruning(experiment)) return std::make_unique<ChannelPruningStage>();
  return std::make_unique<MagnitudePruningStage>();
}

}  // namespace cradle
