#pragma once
// The experiment file: one JSON document that says everything about a run.
// parse_experiment validates it completely before anything runs;
// experiment_to_json writes it back in canonical order, so loading a canonical
// file and saving it without edits gives the same bytes.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/augmentation_steps.h"
#include "core/experiment/align_spec.h"
#include "core/experiment/compress_spec.h"
#include "core/experiment/data_source.h"
#include "core/experiment/json_object_reader.h"
#include "core/experiment/model_spec.h"
#include "core/experiment/stage.h"
#include "core/experiment/task.h"
#include "core/experiment/train_spec.h"
#include "core/text/text_steps.h"
#include "core/text/tokenizer.h"

namespace cradle {

inline constexpr int kExperimentFormatVersion = 1;
inline constexpr std::int64_t kAutoLoaderThreads = -1;

struct DataSpec {
  DataSource source = DataSource::Idx;  // core/experiment/data_source.h
  std::string folder;                   // cifar10: cifar-10-batches-bin; image_folder: one sub-folder per class
  std::string test_folder;              // image_folder: optional; else test_fraction of `folder` is held out
  double test_fraction = 0.2;           // image_folder without test_folder
  std::vector<std::int64_t> image_size = {32, 32};  // image_folder: height, width to decode to
  // image_folder: 1 grayscale, 3 RGB (decoded so). idx, cifar10: 0 keeps the
  // source's channels, 1 or 3 converts (luminance, or the gray value repeated).
  std::int64_t channels = 3;
  std::string resize = "stretch";                // image_folder: "stretch" | "pad" (keep the aspect ratio)
  std::string on_bad_file = "fail";              // image_folder: "fail" | "skip" unreadable images
  std::string file;                              // csv: the table (header row first)
  std::string test_file;                         // csv: optional; else test_fraction of `file` is held out
  std::string target;                            // csv: the column to predict
  std::vector<std::string> columns;              // csv: feature columns; empty: all but the target
  std::vector<std::string> categorical;          // csv: feature columns holding categories
  std::string categorical_encoding = "one_hot";  // csv: "one_hot" | "embedding" (an index per column, mlp only)
  std::string missing = "fill_mean";             // csv: "drop_row" | "fill_mean" | "fill_constant"
  double fill_value = 0.0;                       // csv: for fill_constant
  std::string scaling = "standard";              // csv: "standard" | "minmax" | "none", fitted on training rows
  std::vector<std::string> paths;                // text, jsonl: files or folders
  std::vector<std::string> include;              // text, jsonl: file-name patterns taken from folders
  std::vector<std::string> exclude;              // text, jsonl: file-name patterns left out of folders
  std::string records = "file";                  // text: "file" | "line" | "paragraph" | "separator"
  std::string separator = "%";                   // text with records "separator": the line between records
  std::string text_field = "text";               // jsonl: the string field holding the text
  // jsonl, task classification: the field holding each record's class (a
  // string, or an integer).
  std::string label_field = "label";
  // text, task classification: where a record's class comes from: "folder"
  // (each path is a folder with one sub-folder of text files per class) or
  // "file" (the name of the file it was read from, without extension).
  std::string label_from = "folder";
  std::string on_bad_record = "fail";  // text, jsonl: "fail" | "skip" invalid UTF-8 or malformed lines
  std::vector<TextStep> steps;         // text, jsonl: cleaning and de-duplication, in order
  TokenizerSpec tokenizer;             // text, jsonl
  std::int64_t context_length =
      64;                // text, jsonl: tokens per training sequence (classification: per text, longer ones truncated)
  bool packing = false;  // dialogues: several short dialogues share one training sequence
  std::string train_images;  // idx: the four files
  std::string train_labels;
  std::string test_images;
  std::string test_labels;
  std::vector<std::string> class_names;   // empty: "0", "1", ...
  double validation_fraction = 0.1;       // taken from the training file, seeded
  bool stratify = true;                   // held-out splits keep each class's share
  std::int64_t max_train_samples = 0;     // 0: all; a seeded subset otherwise
  std::int64_t max_test_samples = 0;      // 0: all; the first N otherwise
  std::vector<std::int64_t> center_crop;  // images: [height, width] cut from the centre after loading; empty: none
  std::vector<AugmentStep> augment;       // images: random changes to training batches, in order
  // Background threads preparing batches; 0: the training thread does it;
  // kAutoLoaderThreads ("auto"): one when cores or an accelerator would otherwise idle.
  std::int64_t loader_threads = kAutoLoaderThreads;
  std::int64_t prefetch_batches = 4;  // batches prepared ahead of the training step
  bool cache = true;                  // keep prepared data for the next run (core/data/data_cache.h)
  // Images: (pixel - mean) / std, applied after scaling pixels to [0, 1]: one
  // value for all channels or one per channel; "auto" (normalize_auto)
  // computes them per channel on the training split.
  bool normalize_auto = false;
  std::vector<double> normalize_mean = {0.0};
  std::vector<double> normalize_std = {1.0};
};

struct EvalSpec {
  std::int64_t batch_size = 256;
};

struct Experiment {
  std::string name;
  std::string description;
  Task task = Task::Classification;  // core/experiment/task.h
  std::uint64_t seed = 42;
  std::int64_t threads = 0;       // 0: every core
  std::string device = "cpu";     // cpu | cuda | auto
  Stage stage = Stage::Pretrain;  // core/experiment/stage.h
  std::string init_from;          // the run folder a later stage starts from (sft: or a Hugging Face model folder)
  DataSpec data;
  ModelSpec model;
  TrainSpec train;
  AlignSpec align;        // stages reward, dpo and ppo
  CompressSpec compress;  // stages prune and distill
  EvalSpec eval;

  // Stage "sft" without a model section: the model is the pretrained run's
  // (filled in when the run starts; not written back). Not part of the document.
  bool model_inherited = false;

  // Folder that relative data paths are resolved against (the experiment
  // file's folder). Not part of the document.
  std::filesystem::path base_dir;

  std::filesystem::path resolve(const std::string& path) const;
};

// Task "classification" on a "text" or "jsonl" source.
bool is_text_classification(const Experiment& experiment);

// A language model fine-tuned on dialogues (stage "sft").
bool is_fine_tuning(const Experiment& experiment);

// A reward model trained on preference pairs (stage "reward").
bool is_reward_modelling(const Experiment& experiment);

// A policy tuned by direct preference optimisation (stage "dpo").
bool is_direct_preference(const Experiment& experiment);

// A policy tuned by PPO against a reward (stage "ppo").
bool is_policy_optimisation(const Experiment& experiment);
// An image or table model pruned and fine-tuned (stage "prune").
bool is_pruning(const Experiment& experiment);
// Stage "prune" with compress.method "channels": the model rebuilt narrower.
bool is_channel_pruning(const Experiment& experiment);
// A student trained from a teacher run's outputs (stage "distill").
bool is_distillation(const Experiment& experiment);

// Stages "sft", "dpo" and "ppo": a language model that answers in the chat template.
bool is_chat_policy(const Experiment& experiment);

// Stages "reward" and "dpo": trained on preference pairs.
bool reads_preference_pairs(const Experiment& experiment);

Experiment parse_experiment(const Json& document);
Json experiment_to_json(const Experiment& experiment);
std::string serialize_experiment(const Experiment& experiment);  // 2-space JSON plus final newline

// Parses JSON text; syntax errors name `origin`, the line and the column.
Json parse_json_text(const std::string& text, const std::string& origin);

// Reads, applies the `--set key=value` overrides, validates.
Experiment load_experiment(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

// A copy whose data paths are absolute, for freezing into a run folder that
// may be read from another working directory.
Experiment with_absolute_paths(const Experiment& experiment);

}  // namespace cradle
