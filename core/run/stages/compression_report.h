#pragma once
// report.json's "compression" for the stages that compress a model (prune,
// distill): the trained model against the original it came from, on the same
// test split (core/run/compression_comparison.h).
#include <functional>
#include <string>

#include "core/run/stages/stage_runner.h"

namespace cradle {

Json compare_compressed_model(const StageContext& context, torch::nn::Sequential model, const DataSplits& data,
                              const std::string& original_run, std::function<torch::nn::Sequential()> build_original);

}  // namespace cradle
