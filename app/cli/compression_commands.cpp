// cradle-cli quantize: compressing finished runs.
#include <cstdio>

#include "app/cli/commands.h"
#include "core/run/run_quantization.h"

namespace cradle::cli {

int quantize(const QuantizeRequest& request) {
  const Json report = quantize_run({request.run_dir, request.out_dir, request.engine});
  const std::string out = request.out_dir.empty() ? request.run_dir.string() + "-int8" : request.out_dir.string();
  std::printf("quantised %s into %s\n%s\nreport: %s/report.json\n", request.run_dir.string().c_str(), out.c_str(),
              describe_quantization(report).c_str(), out.c_str());
  return 0;
}

}  // namespace cradle::cli
