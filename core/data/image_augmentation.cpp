#include "core/data/image_augmentation.h"

#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <array>
#include <cmath>

#include "core/data/seeded_order.h"

namespace cradle {
namespace {
namespace F = torch::nn::functional;

// The random draws of one sample for one step.
class SampleRandom {
 public:
  SampleRandom(std::uint64_t seed, std::int64_t epoch, std::int64_t sample, std::size_t step)
      : random_(SplitMix64(seed ^ (0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(epoch + 1))).next() ^
                (0xD1B54A32D192ED03ull * static_cast<std::uint64_t>(sample + 1)) ^
                (0x8CB92BA72F3D8DD7ull * static_cast<std::uint64_t>(step + 1))) {}
  double uniform() { return static_cast<double>(random_.next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::uint64_t bits() { return random_.next(); }

 private:
  SplitMix64 random_;
};

torch::Tensor per_channel(const std::vector<double>& values, std::int64_t channels) {
  std::vector<float> v(static_cast<std::size_t>(channels));
  for (std::int64_t c = 0; c < channels; ++c)
    v[static_cast<std::size_t>(c)] =
        static_cast<float>(values.size() == 1 ? values[0] : values[static_cast<std::size_t>(c)]);
  return torch::tensor(v).view({1, channels, 1, 1});
}

// Resamples the chosen samples through per-sample affine maps of the output
// grid; pixels from outside the image are black.
torch::Tensor warp(const torch::Tensor& images, const std::vector<std::int64_t>& chosen,
                   const std::vector<std::array<float, 6>>& thetas, const torch::Tensor& black) {
  if (chosen.empty()) return images;
  const auto index = torch::tensor(chosen, torch::kInt64);
  std::vector<float> flat;
  for (const auto& t : thetas) flat.insert(flat.end(), t.begin(), t.end());
  const auto theta = torch::tensor(flat).view({static_cast<std::int64_t>(chosen.size()), 2, 3});
  const auto subset = images.index_select(0, index) - black;
  const auto grid = F::affine_grid(theta, subset.sizes(), false);
  const auto warped =
      F::grid_sample(
          subset, grid,
          F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false)) +
      black;
  return images.index_copy(0, index, warped);
}

// Rotations by up to ±degrees about the centre.
std::vector<std::array<float, 6>> rotation_maps(std::vector<SampleRandom>& randoms, double degrees, double aspect) {
  std::vector<std::array<float, 6>> thetas;
  for (auto& random : randoms) {
    const double angle = random.uniform(-degrees, degrees) * M_PI / 180.0;
    const float c = static_cast<float>(std::cos(angle)), sn = static_cast<float>(std::sin(angle));
    // Normalised coordinates stretch a non-square image: correct by the aspect ratio.
    thetas.push_back({c, static_cast<float>(-sn * aspect), 0.f, static_cast<float>(sn / aspect), c, 0.f});
  }
  return thetas;
}

// Crops of a random share of the area and aspect ratio (torchvision's
// RandomResizedCrop: ten tries, then the whole image), stretched to the image.
std::vector<std::array<float, 6>> resized_crop_maps(std::vector<SampleRandom>& randoms, const AugmentStep& step) {
  std::vector<std::array<float, 6>> thetas;
  for (auto& random : randoms) {
    double cw = 1, ch = 1;  // crop width and height as shares of the image
    for (int attempt = 0; attempt < 10; ++attempt) {
      const double area = random.uniform(step.scale[0], step.scale[1]);
      const double ratio = std::exp(random.uniform(std::log(step.ratio[0]), std::log(step.ratio[1])));
      const double w = std::sqrt(area * ratio), h = std::sqrt(area / ratio);
      if (w <= 1 && h <= 1) {
        cw = w, ch = h;
        break;
      }
    }
    const double cx = random.uniform(-(1 - cw), 1 - cw), cy = random.uniform(-(1 - ch), 1 - ch);
    thetas.push_back(
        {static_cast<float>(cw), 0.f, static_cast<float>(cx), 0.f, static_cast<float>(ch), static_cast<float>(cy)});
  }
  return thetas;
}

// A square hole per sample (clipped at the borders) set to the normalised mean, 0.
torch::Tensor cut_out(torch::Tensor x, std::vector<SampleRandom>& randoms, double size) {
  const std::int64_t height = x.size(2), width = x.size(3);
  const auto hole_h = std::max<std::int64_t>(1, std::llround(size * static_cast<double>(height)));
  const auto hole_w = std::max<std::int64_t>(1, std::llround(size * static_cast<double>(width)));
  for (std::size_t k = 0; k < randoms.size(); ++k) {
    const auto cy = static_cast<std::int64_t>(randoms[k].bits() % static_cast<std::uint64_t>(height));
    const auto cx = static_cast<std::int64_t>(randoms[k].bits() % static_cast<std::uint64_t>(width));
    const auto top = std::max<std::int64_t>(0, cy - hole_h / 2), left = std::max<std::int64_t>(0, cx - hole_w / 2);
    x[static_cast<std::int64_t>(k)]
        .slice(1, top, std::min(height, cy - hole_h / 2 + hole_h))
        .slice(2, left, std::min(width, cx - hole_w / 2 + hole_w))
        .zero_();
  }
  return x;
}

}  // namespace

ImageAugmenter::ImageAugmenter(std::vector<AugmentStep> steps, std::vector<double> mean, std::vector<double> std,
                               std::uint64_t seed)
    : steps_(std::move(steps)), mean_(std::move(mean)), std_(std::move(std)), seed_(seed) {}

torch::Tensor ImageAugmenter::apply(const torch::Tensor& images, const torch::Tensor& sample_indices,
                                    std::int64_t epoch) const {
  torch::Tensor x = images;
  for (std::size_t s = 0; s < steps_.size(); ++s) x = apply_step(s, x, sample_indices, epoch);
  return x;
}

torch::Tensor ImageAugmenter::apply_step(std::size_t s, const torch::Tensor& images,
                                         const torch::Tensor& sample_indices, std::int64_t epoch) const {
  torch::NoGradGuard no_grad;
  const AugmentStep& step = steps_.at(s);
  const std::int64_t batch = images.size(0), channels = images.size(1), height = images.size(2), width = images.size(3);
  const auto indices = sample_indices.contiguous();
  const auto* sample = indices.data_ptr<std::int64_t>();
  const auto mean = per_channel(mean_, channels), deviation = per_channel(std_, channels);
  const auto black = -mean / deviation;

  std::vector<std::int64_t> chosen;
  std::vector<SampleRandom> randoms;
  for (std::int64_t i = 0; i < batch; ++i) {
    SampleRandom random(seed_, epoch, sample[i], s);
    if (random.uniform() < step.p) {
      chosen.push_back(i);
      randoms.push_back(random);
    }
  }
  if (chosen.empty()) return images;
  const auto chosen_index = torch::tensor(chosen, torch::kInt64);
  const auto replace = [&](const torch::Tensor& changed) { return images.index_copy(0, chosen_index, changed); };
  const auto subset = [&] { return images.index_select(0, chosen_index); };

  if (step.op == "hflip") return replace(subset().flip({3}));
  if (step.op == "vflip") return replace(subset().flip({2}));
  if (step.op == "rotate")
    return warp(images, chosen,
                rotation_maps(randoms, step.degrees, static_cast<double>(height) / static_cast<double>(width)), black);
  if (step.op == "random_resized_crop") return warp(images, chosen, resized_crop_maps(randoms, step), black);
  if (step.op == "brightness" || step.op == "contrast") {
    std::vector<float> factors;
    for (auto& random : randoms)
      factors.push_back(static_cast<float>(random.uniform(1 - step.amount, 1 + step.amount)));
    const auto f = torch::tensor(factors).view({-1, 1, 1, 1});
    const auto x = subset();
    if (step.op == "brightness") return replace(f * x + (f - 1) * mean / deviation);  // pixels times f
    const auto centre = x.mean({1, 2, 3}, true);
    return replace((x - centre) * f + centre);
  }
  if (step.op == "noise") {
    std::vector<torch::Tensor> noise;
    for (auto& random : randoms) {
      auto generator = at::make_generator<at::CPUGeneratorImpl>(random.bits());
      noise.push_back(torch::randn({channels, height, width}, generator, torch::kFloat32));
    }
    return replace(subset() + torch::stack(noise) * static_cast<float>(step.std) / deviation);
  }
  return replace(cut_out(subset().clone(), randoms, step.size));  // cutout
}

}  // namespace cradle
