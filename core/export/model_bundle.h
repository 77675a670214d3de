#pragma once
// A model bundle (issue 11): one folder holding everything needed to predict,
// laid out as a run folder so every command that opens a run opens it too —
//   bundle.json            what it is: task, input (shape, image decoding,
//                          normalisation, table column encoding), class
//                          names, files, source run
//   experiment.json        the frozen experiment
//   report.json            the run's report (metrics)
//   MODEL_CARD.md          the model card (core/export/model_card.h)
//   model/model.pt         the weights (LibTorch archive, as the run saved them)
//   model/model.safetensors the same weights as float tensors for other tools
//   model/tokenizer.*      text tasks
//   model/architecture/    a run tuned from a Hugging Face folder: the folder's
//                          config.json and generation_config.json, which the
//                          bundle's experiment names as its model.folder
// It names no file outside itself, so a moved or copied bundle still predicts.
#include <torch/nn.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/table_encoding.h"
#include "core/experiment/experiment.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct BundleInput {
  std::string kind;                 // "image", "table" or "text"
  std::vector<std::int64_t> shape;  // per sample: channels, height, width; features; context length
  bool keep_aspect = false;         // images: scaled to fit and padded, else stretched
  // Images trained on a centre crop (data.center_crop): decoded at this [height, width], then the centre `shape`
  // cut out, as in training; empty: decoded at `shape` itself.
  std::vector<std::int64_t> decoded_size;
  std::vector<double> normalize_mean, normalize_std;  // images, per channel
  std::vector<std::int64_t> category_sizes;           // tables with embedded categories
  std::optional<TableEncoding> table;                 // tables: how CSV cells become the input row
};

struct ModelBundle {
  std::filesystem::path dir;
  Json manifest;  // bundle.json
  Experiment experiment;
  BundleInput input;
  std::vector<std::string> class_names;  // classifiers
  std::int64_t outputs = 0;              // classes, 1 for regression, the vocabulary for language models
  std::shared_ptr<const Tokenizer> tokenizer;
  torch::nn::Sequential model{nullptr};  // weights loaded, evaluation mode, on the CPU
  bool chat = false;                     // language models: a prompt is the user's turn in the model's chat format
  std::filesystem::path card_file = "MODEL_CARD.md";  // in dir
  // A `.cradle` file is unpacked into a temporary folder (`dir`), removed with the last copy of this.
  std::shared_ptr<const std::filesystem::path> unpacked;
};

// Writes the bundle of a finished run into `out_dir` (which must not exist or
// be empty); an `out_dir` ending in ".cradle" is written as one zip file
// (core/export/bundle_archive.h) instead. Image and table runs read their test split once to learn the
// input shape. ConfigError for a run that cannot predict on its own (a reward
// model), IoError for an unfinished run.
// With `onnx`, also model/model.onnx (core/export/onnx_export.h): checked with
// ONNX's checker and run through OpenCV's DNN module on up to 64 test samples,
// the largest difference from LibTorch's outputs recorded in bundle.json; the
// export fails (and writes nothing) for a layer ONNX cannot express here or a
// difference above 1e-4.
Json export_bundle(const std::filesystem::path& run_dir, const std::filesystem::path& out_dir, bool onnx = false);

// Opens a bundle folder or `.cradle` file: the model built and its weights loaded. DataError
// naming bundle.json and the field when it is malformed.
ModelBundle open_bundle(const std::filesystem::path& path);

}  // namespace cradle
