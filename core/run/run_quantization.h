#pragma once
// `cradle-cli quantize RUN`: post-training int8 quantisation of a finished
// run into a new run folder (issue 10). The new folder holds the original's
// experiment and tokenizer and its weights as int8 with per-channel scales
// (core/compress/int8_weights.h), so every command that opens a run (eval,
// generate, the studio) uses it as it is, dequantised at load. Its report.json
// compares it with the original on the test split: weights file size,
// parameters, latency per sample at batch 1 and at the training batch, and
// the task metric, both for the dequantised float model and for int8 compute
// (LibTorch's dynamic int8 linear operator in the top-level Linear layers).
#include <filesystem>
#include <string>

#include "core/experiment/json_object_reader.h"

namespace cradle {

struct QuantizationRequest {
  std::filesystem::path run_dir;
  std::filesystem::path out_dir;  // empty: <run_dir>-int8
  std::string engine = "auto";    // the quantised engine for int8 compute: auto, onednn, qnnpack, fbgemm
};

// Writes the quantised run folder; returns its report.json. ConfigError for a
// run of a stage it cannot compare (preference, PPO and fine-tuning runs), an
// unfinished run or an unknown engine; IoError when out_dir exists.
Json quantize_run(const QuantizationRequest& request);

// The comparison as lines for the terminal.
std::string describe_quantization(const Json& report);

}  // namespace cradle
