#include "core/compress/int8_weights.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/train/archive_file.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMarker = "cradle_int8_weights";

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

bool is_int8_candidate(const torch::Tensor& parameter) {
  return parameter.is_floating_point() && parameter.dim() >= 2 && parameter.numel() > 0;
}

Int8Tensor quantize_per_channel(const torch::Tensor& weight) {
  torch::NoGradGuard no_grad;
  const auto w = weight.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  const auto rows = w.reshape({w.size(0), -1});
  // A channel of zeros (pruned away) keeps scale 1 so dequantising gives zeros, not nan.
  auto scales = rows.abs().amax(1) / 127.0;
  scales = torch::where(scales > 0, scales, torch::ones_like(scales));
  const auto values = (rows / scales.unsqueeze(1)).round().clamp(-127, 127).to(torch::kInt8).reshape(w.sizes());
  return {values, scales};
}

torch::Tensor dequantize(const Int8Tensor& q) {
  std::vector<std::int64_t> shape(static_cast<std::size_t>(q.values.dim()), 1);
  shape[0] = q.values.size(0);
  return q.values.to(torch::kFloat32) * q.scales.reshape(shape);
}

std::vector<Int8TensorReport> save_int8_weights(const fs::path& path, const torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  torch::serialize::OutputArchive archive;
  archive.write(kMarker, torch::tensor(1));
  std::vector<Int8TensorReport> report;
  for (const auto& p : model.named_parameters()) {
    if (!is_int8_candidate(p.value())) {
      archive.write(p.key(), p.value().detach().cpu());
      continue;
    }
    const Int8Tensor q = quantize_per_channel(p.value());
    archive.write(p.key() + ".int8", q.values);
    archive.write(p.key() + ".scale", q.scales);
    const auto w = p.value().detach().cpu().to(torch::kFloat32);
    const auto error = w - dequantize(q);
    const double norm = w.norm().item<double>();
    report.push_back({p.key(), p.value().sizes().vec(), error.abs().max().item<double>(),
                      norm > 0 ? error.norm().item<double>() / norm : 0.0});
  }
  for (const auto& b : model.named_buffers()) archive.write(b.key(), b.value().detach().cpu(), /*is_buffer=*/true);
  save_archive_atomically(path, archive);
  return report;
}

bool is_int8_weights_file(const fs::path& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path.string());
    torch::Tensor marker;
    return archive.try_read(kMarker, marker);
  } catch (const c10::Error&) {
    return false;
  }
}

void load_int8_weights(const fs::path& path, torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& error) {
    throw DataError(path.string() + ": not a readable LibTorch archive (" + first_line(error.what_without_backtrace()) +
                    ")");
  }
  const auto fits = [&](const std::string& name, const torch::Tensor& value, const torch::Tensor& target) {
    if (value.sizes() != target.sizes())
      throw DataError(path.string() + ": tensor \"" + name + "\" has shape " + c10::str(value.sizes()) +
                      ", the model expects " + c10::str(target.sizes()));
  };
  for (auto& p : model.named_parameters()) {
    torch::Tensor value, values, scales;
    if (archive.try_read(p.key() + ".int8", values)) {
      if (!archive.try_read(p.key() + ".scale", scales) || scales.dim() != 1 || values.dim() == 0 ||
          scales.size(0) != values.size(0) || values.scalar_type() != torch::kInt8)
        throw DataError(path.string() + ": int8 tensor \"" + p.key() + "\" has no matching per-channel scales");
      fits(p.key(), values, p.value());
      p.value().copy_(dequantize({values, scales.to(torch::kFloat32)}));
    } else if (archive.try_read(p.key(), value)) {
      fits(p.key(), value, p.value());
      p.value().copy_(value);
    } else {
      throw DataError(path.string() + ": has no tensor \"" + p.key() + "\"; it was saved for another model");
    }
  }
  for (auto& b : model.named_buffers()) {
    torch::Tensor value;
    if (!archive.try_read(b.key(), value, /*is_buffer=*/true))
      throw DataError(path.string() + ": has no tensor \"" + b.key() + "\"; it was saved for another model");
    fits(b.key(), value, b.value());
    b.value().copy_(value);
  }
}

}  // namespace cradle
