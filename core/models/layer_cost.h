#pragma once
// What one layer costs per sample: forward FLOPs (a multiply-add counts 2;
// element-wise work is left out, as is usual) and the values it keeps for the
// backward pass. `cradle-cli inspect` sums them into FLOPs per sample and the
// activation memory of a training batch. Leaf LibTorch layers are costed in
// model_inspection.cpp; Cradle's composite layers know their own inner costs.
#include <cstdint>
#include <vector>

namespace cradle {

struct LayerCost {
  std::int64_t flops = 0;
  std::int64_t activations = 0;  // values (not bytes) kept for the backward pass
};

using Shape = std::vector<std::int64_t>;

// Implemented by composite layers (transformer blocks, residual blocks,
// recurrent stacks, tied logits); shapes exclude the batch dimension.
class CostedLayer {
 public:
  virtual ~CostedLayer() = default;
  virtual LayerCost cost(const Shape& input_shape, const Shape& output_shape) const = 0;
};

inline std::int64_t element_count(const Shape& shape) {
  std::int64_t n = 1;
  for (const auto d : shape) n *= d;
  return n;
}

}  // namespace cradle
