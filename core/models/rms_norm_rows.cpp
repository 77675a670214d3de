#include "core/models/rms_norm_rows.h"

#include <torch/torch.h>

#include <cmath>

namespace cradle {
namespace {

template <class Value>
void normalise_rows(const Value* x, const Value* weight, std::int64_t rows, std::int64_t width, double eps,
                    Value* out) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const Value* row = x + r * width;
    float squares = 0;
    for (std::int64_t i = 0; i < width; ++i) {
      const float v = static_cast<float>(row[i]);
      squares += v * v;
    }
    const float scale = 1.0f / std::sqrt(squares / static_cast<float>(width) + static_cast<float>(eps));
    for (std::int64_t i = 0; i < width; ++i) {
      const Value normed = static_cast<Value>(static_cast<float>(row[i]) * scale);  // rounded to x's type first
      out[r * width + i] = static_cast<Value>(static_cast<float>(weight[i]) * static_cast<float>(normed));
    }
  }
}

}  // namespace

bool rms_norm_rows_applies(const torch::Tensor& x, const torch::Tensor& weight) {
  const auto type = x.scalar_type();
  if (!x.device().is_cpu() || !weight.device().is_cpu() || weight.scalar_type() != type) return false;
  if (type != torch::kFloat32 && type != torch::kBFloat16) return false;
  if (weight.dim() != 1 || x.dim() < 1 || x.size(-1) != weight.size(0) || x.numel() == 0) return false;
  return !torch::GradMode::is_enabled() || (!x.requires_grad() && !weight.requires_grad());
}

torch::Tensor rms_norm_rows(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  TORCH_CHECK(rms_norm_rows_applies(x, weight), "rms_norm_rows: input ", x.sizes(), " of ", x.scalar_type(),
              " against weight ", weight.sizes(), " of ", weight.scalar_type(), " is not one it takes");
  const auto in = x.contiguous(), w = weight.contiguous();
  auto out = torch::empty_like(in);
  const std::int64_t width = in.size(-1), rows = in.numel() / width;
  if (in.scalar_type() == torch::kFloat32)
    normalise_rows(in.data_ptr<float>(), w.data_ptr<float>(), rows, width, eps, out.data_ptr<float>());
  else
    normalise_rows(in.data_ptr<at::BFloat16>(), w.data_ptr<at::BFloat16>(), rows, width, eps,
                   out.data_ptr<at::BFloat16>());
  return out;
}

}  // namespace cradle
