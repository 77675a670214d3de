#include "core/models/rotary_rows.h"

#include <torch/torch.h>

namespace cradle {
namespace {

// One row of D values: out[i] = x[i]·cos[i] − x[i + D/2]·sin[i] and
// out[i + D/2] = x[i + D/2]·cos[i + D/2] + x[i]·sin[i + D/2], each product
// and the sum rounded to Value.
template <class Value>
void rotate_row(const Value* x, const Value* cos, const Value* sin, std::int64_t width, Value* out) {
  const auto times = [](Value a, Value b) { return static_cast<Value>(static_cast<float>(a) * static_cast<float>(b)); };
  const auto plus = [](Value a, Value b) { return static_cast<Value>(static_cast<float>(a) + static_cast<float>(b)); };
  const std::int64_t half = width / 2;
  for (std::int64_t i = 0; i < half; ++i) {
    out[i] = plus(times(x[i], cos[i]), times(static_cast<Value>(-static_cast<float>(x[i + half])), sin[i]));
    out[i + half] = plus(times(x[i + half], cos[i + half]), times(x[i], sin[i + half]));
  }
}

template <class Value>
void rotate_rows(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin, torch::Tensor& out) {
  const std::int64_t batch = x.size(0), heads = x.size(1), length = x.size(2), width = x.size(3);
  const Value* source = x.data_ptr<Value>();
  const Value* c = cos.data_ptr<Value>();
  const Value* s = sin.data_ptr<Value>();
  Value* target = out.data_ptr<Value>();
  for (std::int64_t b = 0; b < batch; ++b)
    for (std::int64_t h = 0; h < heads; ++h)
      for (std::int64_t t = 0; t < length; ++t)
        rotate_row(source + b * x.stride(0) + h * x.stride(1) + t * x.stride(2), c + t * width, s + t * width, width,
                   target + ((b * heads + h) * length + t) * width);
}

}  // namespace

bool rotary_rows_applies(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const auto type = x.scalar_type();
  if (type != torch::kFloat32 && type != torch::kBFloat16) return false;
  for (const auto* t : {&x, &cos, &sin})
    if (!t->device().is_cpu() || t->scalar_type() != type) return false;
  if (x.dim() != 4 || x.size(3) % 2 != 0 || x.stride(3) != 1 || x.numel() == 0) return false;
  for (const auto* table : {&cos, &sin})
    if (table->dim() != 2 || table->size(0) != x.size(2) || table->size(1) != x.size(3) || !table->is_contiguous())
      return false;
  return !torch::GradMode::is_enabled() || (!x.requires_grad() && !cos.requires_grad() && !sin.requires_grad());
}

torch::Tensor rotary_rows(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  TORCH_CHECK(rotary_rows_applies(x, cos, sin), "rotary_rows: input ", x.sizes(), " of ", x.scalar_type(),
              " against tables ", cos.sizes(), " and ", sin.sizes(), " of ", cos.scalar_type(), " is not one it takes");
  auto out = torch::empty(x.sizes(), x.options().memory_format(torch::MemoryFormat::Contiguous));
  if (x.scalar_type() == torch::kFloat32)
    rotate_rows<float>(x, cos, sin, out);
  else
    rotate_rows<at::BFloat16>(x, cos, sin, out);
  return out;
}

}  // namespace cradle
