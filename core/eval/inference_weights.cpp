#include "core/eval/inference_weights.h"

#include "core/common/error.h"
#include "core/train/autocast.h"

namespace cradle {

InferenceWeights parse_inference_weights(const std::string& name) {
  if (name == "auto") return InferenceWeights::Auto;
  if (name == "float32") return InferenceWeights::Float32;
  if (name == "bfloat16") return InferenceWeights::BFloat16;
  throw ConfigError("weights '" + name + "': expected auto, float32 or bfloat16");
}

ChosenWeights choose_inference_weights(InferenceWeights requested, torch::Device device) {
  switch (requested) {
    case InferenceWeights::Float32: return {torch::kFloat32, "float32 (as asked)"};
    case InferenceWeights::BFloat16:
      return {torch::kBFloat16, cpu_has_native_bfloat16() || !device.is_cpu()
                                    ? "bfloat16 (as asked)"
                                    : "bfloat16 (as asked; this processor emulates it, float32 is faster here)"};
    case InferenceWeights::Auto: break;
  }
  if (device.is_cpu() && cpu_has_native_bfloat16())
    return {torch::kBFloat16, "bfloat16 (this processor computes bfloat16 natively: half the bytes per token)"};
  return {torch::kFloat32, device.is_cpu() ? "float32 (this processor has no native bfloat16)" : "float32"};
}

}  // namespace cradle
