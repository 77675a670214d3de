#include "core/export/onnx_checked_export.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>

#include "core/common/error.h"
#include "core/data/language_model_data.h"
#include "core/eval/text_generation.h"

namespace cradle {
namespace {

void require_passed(const OnnxRuntimeCheck& check) {
  if (check.passed) return;
  char line[300];
  std::snprintf(line, sizeof line,
                "ONNX export: %s's outputs differ from LibTorch's by up to %.3g (> %.0e) on %lld inputs; not written",
                check.runtime.c_str(), check.max_abs_difference, check.tolerance,
                static_cast<long long>(check.samples));
  throw Error(line);
}

}  // namespace

OnnxExport export_checked_onnx(torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape,
                               const std::string& name, bool token_input, const std::vector<torch::Tensor>& inputs) {
  OnnxExport out;
  out.graph = export_onnx(model, input_shape, name, token_input);
  // Each runtime that can run the graph must agree; one that cannot (OpenCV
  // 4.6 lacks some operators) is passed over, but at least one must run it.
  std::vector<std::string> unable;
  if (!token_input) {
    try {
      out.checks.push_back(check_onnx_with_opencv(out.graph, model, torch::cat(inputs)));
      require_passed(out.checks.back());
    } catch (const OnnxRuntimeUnable& error) {
      unable.push_back(error.what());
    }
  }
  if (find_onnxruntime_node()) {
    out.checks.push_back(check_onnx_with_onnxruntime(out.graph, model, inputs));
    require_passed(out.checks.back());
  } else {
    unable.push_back(
        "ONNX Runtime is not installed here (Node.js with the onnxruntime-node package: scripts/install-deps.sh "
        "installs it, or set CRADLE_ONNXRUNTIME_NODE)");
  }
  if (out.checks.empty()) {
    std::string why;
    for (const auto& u : unable) why += (why.empty() ? "" : "; ") + u;
    throw Error("ONNX export: no independent runtime could check the graph, so it was not written: " + why);
  }
  return out;
}

std::vector<torch::Tensor> language_model_check_inputs(const Experiment& experiment,
                                                       const std::shared_ptr<const Tokenizer>& tokenizer,
                                                       torch::nn::Sequential& model) {
  const std::int64_t context = experiment.data.context_length, count = 8;
  torch::Tensor windows;
  if (experiment.stage == Stage::Pretrain) {
    try {
      const auto data = load_language_model_data(experiment, tokenizer);
      const auto& split = data.test.size() > 0 ? data.test : data.validation;
      if (split.size() > 0) windows = split.slice(0, std::min<std::int64_t>(count, split.size())).inputs;
    } catch (const Error&) {
      // the text has moved or changed: the model's own text below
    }
  }
  if (!windows.defined()) {
    std::vector<torch::Tensor> rows;
    for (std::int64_t i = 0; i < count; ++i) {
      SamplingOptions sampling;
      sampling.max_new_tokens = context - 1;
      sampling.seed = static_cast<std::uint64_t>(i + 1);
      sampling.stop_at_end_of_text = false;
      auto ids = generate_tokens(model, {kBosId}, context, sampling);
      ids.insert(ids.begin(), kBosId);
      ids.resize(static_cast<std::size_t>(context), kEosId);
      rows.push_back(torch::tensor(ids, torch::kInt64));
    }
    windows = torch::stack(rows);
  }
  windows = windows.to(torch::kInt64);
  return {windows, windows.slice(1, 0, std::max<std::int64_t>(1, windows.size(1) / 3))};
}

}  // namespace cradle
