#include "core/run/stages/compression_report.h"

#include "core/run/compression_comparison.h"

namespace cradle {

Json compare_compressed_model(const StageContext& c, torch::nn::Sequential model, const DataSplits& data,
                              const std::string& original_run, std::function<torch::nn::Sequential()> build_original) {
  CompressedRun run(c.experiment, data.test);
  run.model = std::move(model);
  run.weights = c.folder.model_file();
  run.device = c.device;
  run.original_run = original_run;
  run.target_std = data.target_std;
  run.build_original = std::move(build_original);
  return compare_with_original(run);
}

}  // namespace cradle
