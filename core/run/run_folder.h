#pragma once
// The layout of a run folder:
//   experiment.json   the experiment as run (frozen, absolute data paths)
//   metrics.jsonl     one JSON object per logged step and per evaluation
//   train.log         the same events as readable lines
//   checkpoints/      epoch-NNNN.pt (the newest few), stopped.pt
//   model/model.pt    the final weights
//   model/reference.pt DPO and PPO: the frozen reference policy (the weights they started from)
//   adapter/          LoRA runs: the adapters in peft's layout (adapter_config.json, adapter_model.safetensors)
//   report.json       status, timings, final metrics
//   samples.jsonl     predictions on fixed samples, or generated text, at each validation
#include <filesystem>
#include <string>

#include "core/experiment/experiment.h"

namespace cradle {

struct RunFolder {
  std::filesystem::path root;

  std::filesystem::path experiment_file() const { return root / "experiment.json"; }
  std::filesystem::path metrics_file() const { return root / "metrics.jsonl"; }
  std::filesystem::path log_file() const { return root / "train.log"; }
  std::filesystem::path checkpoint_dir() const { return root / "checkpoints"; }
  std::filesystem::path model_file() const { return root / "model" / "model.pt"; }
  std::filesystem::path reference_file() const { return root / "model" / "reference.pt"; }    // dpo, ppo
  std::filesystem::path tokenizer_file() const { return root / "model" / "tokenizer.json"; }  // language models
  std::filesystem::path adapter_dir() const { return root / "adapter"; }                      // LoRA runs
  std::filesystem::path report_file() const { return root / "report.json"; }
  std::filesystem::path samples_file() const { return root / "samples.jsonl"; }  // core/run/sample_snapshots.h
};

// runs_root/<name>-<YYYYmmdd-HHMMSS>, with a numeric suffix if that exists.
std::filesystem::path default_run_dir(const Experiment& experiment, const std::filesystem::path& runs_root = "runs");

// IoError when `root` already holds files: an earlier run is never overwritten.
void check_run_folder_is_free(const std::filesystem::path& root);

// Creates the folder (after the same check).
RunFolder create_run_folder(const std::filesystem::path& root);

// Opens an existing run folder; IoError when it has no experiment.json.
RunFolder open_run_folder(const std::filesystem::path& root);

}  // namespace cradle
