// cradle-cli prune, distill and quantize: compressing finished runs. prune and
// distill write the stage's experiment for the user (the run's own frozen
// experiment, or the student's file, with the stage added) and train it like
// `cradle-cli train`; quantize needs no training.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/common/terminal_training.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/experiment/overrides.h"
#include "core/run/pruning_experiment.h"
#include "core/run/run_folder.h"
#include "core/run/run_quantization.h"

namespace cradle::cli {
namespace fs = std::filesystem;

int prune(const PruneRequest& request) {
  const Experiment experiment = pruning_stage_experiment(request);
  return train_in_terminal(experiment, request.out_dir, "stage prune of " + request.run_dir.string());
}

int distill(const DistillRequest& request) {
  open_run_folder(request.teacher_run);  // a clear error before the student's file is read
  std::vector<std::string> overrides = {
      "stage=distill", "compress.teacher=" + fs::absolute(request.teacher_run).lexically_normal().string()};
  if (request.alpha >= 0) overrides.push_back("compress.alpha=" + Json(request.alpha).dump());
  if (request.temperature > 0) overrides.push_back("compress.temperature=" + Json(request.temperature).dump());
  overrides.insert(overrides.end(), request.overrides.begin(), request.overrides.end());
  const Experiment experiment = load_experiment(request.student_experiment, overrides);
  return train_in_terminal(
      experiment, request.out_dir,
      "stage distill of " + request.student_experiment.string() + " from " + request.teacher_run.string());
}

int quantize(const QuantizeRequest& request) {
  const Json report = quantize_run({request.run_dir, request.out_dir, request.engine});
  const std::string out = request.out_dir.empty() ? request.run_dir.string() + "-int8" : request.out_dir.string();
  std::printf("quantised %s into %s\n%s\nreport: %s/report.json\n", request.run_dir.string().c_str(), out.c_str(),
              describe_quantization(report).c_str(), out.c_str());
  return 0;
}

void add_compression_commands(CLI::App& app, CommandChoice& choice) {
  auto prune_request = std::make_shared<PruneRequest>();
  auto* prune_command = app.add_subcommand(
      "prune", "Prune a finished image or table run and fine-tune it (stage prune), compared with it");
  prune_command->add_option("run", prune_request->run_dir, "Run folder")->required();
  prune_command
      ->add_option("--method", prune_request->method,
                   "magnitude (zero the smallest weights, default) or channels (remove channels, rebuild narrower)")
      ->check(CLI::IsMember({"magnitude", "channels"}));
  prune_command
      ->add_option("--sparsity", prune_request->sparsity, "Share removed (default 0.8 magnitude, 0.35 channels)")
      ->check(CLI::Range(1e-9, 1.0 - 1e-9));
  prune_command->add_option("--scope", prune_request->scope, "magnitude: global (default) or layer")
      ->check(CLI::IsMember({"global", "layer"}));
  prune_command->add_option("--cycles", prune_request->cycles, "Prune -> fine-tune cycles (magnitude; default 3)")
      ->check(CLI::Range(1, 1000));
  prune_command->add_option("--epochs", prune_request->epochs, "Epochs in all (default cycles + 1; channels 4)")
      ->check(CLI::Range(1, 100000));
  prune_command
      ->add_option("--set", prune_request->overrides, "Override a field of the stage's experiment (repeatable)")
      ->check(kOverrideSyntax);
  prune_command->add_option("--out", prune_request->out_dir,
                            "Run folder to create (default runs/<name>-pruned-<timestamp>)");
  prune_command->callback([&choice, prune_request] { choice.run = [prune_request] { return prune(*prune_request); }; });

  auto distill_request = std::make_shared<DistillRequest>();
  auto* distill_command =
      app.add_subcommand("distill", "Train a student experiment from a teacher run's outputs (stage distill)");
  distill_command->add_option("teacher", distill_request->teacher_run, "Teacher run folder")->required();
  distill_command
      ->add_option("student", distill_request->student_experiment,
                   "Student experiment file (its model, same task and data)")
      ->required();
  distill_command->add_option("--alpha", distill_request->alpha, "Share of the distillation term (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  distill_command->add_option("--temperature", distill_request->temperature, "Softening temperature T (default 2)")
      ->check(CLI::Range(1e-6, 1000.0));
  distill_command->add_option("--set", distill_request->overrides, "Override a field (repeatable)")
      ->check(kOverrideSyntax);
  distill_command->add_option("--out", distill_request->out_dir,
                              "Run folder to create (default runs/<name>-<timestamp>)");
  distill_command->callback(
      [&choice, distill_request] { choice.run = [distill_request] { return distill(*distill_request); }; });

  auto quantize_request = std::make_shared<QuantizeRequest>();
  auto* quantize_command =
      app.add_subcommand("quantize", "Int8 weights of a finished run in a new run folder, compared with the original");
  quantize_command
      ->add_option("run", quantize_request->run_dir,
                   "Run folder (image, table, text-classification or pretrained language model)")
      ->required();
  quantize_command->add_option("--out", quantize_request->out_dir, "Run folder to create (default <run>-int8)");
  quantize_command
      ->add_option("--engine", quantize_request->engine,
                   "Quantised engine for int8 compute: auto (default), onednn, qnnpack, fbgemm")
      ->check(CLI::IsMember({"auto", "onednn", "qnnpack", "fbgemm"}));
  quantize_command->callback(
      [&choice, quantize_request] { choice.run = [quantize_request] { return quantize(*quantize_request); }; });
}

}  // namespace cradle::cli
