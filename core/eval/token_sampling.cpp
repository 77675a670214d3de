#include "core/eval/token_sampling.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/DistributionsHelper.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <unordered_set>

#include "core/common/error.h"

namespace cradle {
namespace {

std::string option_value_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

void check_sampling_options(const SamplingOptions& o) {
  const auto fail = [](const std::string& what) { throw ConfigError("sampling: " + what); };
  if (o.max_new_tokens < 1) fail("max_new_tokens must be at least 1 (got " + std::to_string(o.max_new_tokens) + ")");
  if (!(o.temperature >= 0) || !std::isfinite(o.temperature))
    fail("temperature must be 0 (greedy) or more (got " + option_value_text(o.temperature) + ")");
  if (o.top_k < 0) fail("top_k must be 0 (all tokens) or more (got " + std::to_string(o.top_k) + ")");
  if (!(o.top_p > 0 && o.top_p <= 1)) fail("top_p must be in (0, 1] (got " + option_value_text(o.top_p) + ")");
  if (!(o.repetition_penalty > 0) || !std::isfinite(o.repetition_penalty))
    fail("repetition_penalty must be more than 0 (got " + option_value_text(o.repetition_penalty) + ")");
  if (!(o.presence_penalty >= -2 && o.presence_penalty <= 2))
    fail("presence_penalty must be in [-2, 2] (got " + option_value_text(o.presence_penalty) + ")");
  if (!(o.frequency_penalty >= -2 && o.frequency_penalty <= 2))
    fail("frequency_penalty must be in [-2, 2] (got " + option_value_text(o.frequency_penalty) + ")");
  for (const auto& s : o.stop)
    if (s.empty()) fail("a stop string is empty");
}

namespace {

// The logits as doubles with OpenAI's penalties (over the generated tokens)
// and CTRL's (over every token so far) applied; a value that is not a number
// or infinitely large is refused, since no probability follows from it.
std::vector<double> penalised_logits(const torch::Tensor& logits, const std::vector<std::int64_t>& history,
                                     const SamplingOptions& options, const std::vector<std::int64_t>& generated) {
  const auto row = logits.to(torch::kCPU, torch::kFloat32).contiguous();
  const float* source = row.data_ptr<float>();
  std::vector<double> values(source, source + row.numel());
  const auto vocab = static_cast<std::int64_t>(values.size());
  for (std::int64_t i = 0; i < vocab; ++i)
    if (std::isnan(values[i]) || values[i] == std::numeric_limits<double>::infinity())
      throw Error("generation: the model's logit for token " + std::to_string(i) + " is " +
                  option_value_text(values[i]) + ", not a finite number (a diverged model?)");
  if (options.presence_penalty != 0 || options.frequency_penalty != 0) {
    std::map<std::int64_t, int> counts;
    for (const auto id : generated)
      if (id >= 0 && id < vocab) ++counts[id];
    for (const auto& [id, count] : counts) values[id] -= options.presence_penalty + options.frequency_penalty * count;
  }
  if (options.repetition_penalty != 1.0) {
    // Divides a positive logit and multiplies a negative one: either way the token becomes less likely.
    std::unordered_set<std::int64_t> seen;
    for (const auto id : history) {
      if (id < 0 || id >= vocab || !seen.insert(id).second) continue;
      values[id] = values[id] > 0 ? values[id] / options.repetition_penalty : values[id] * options.repetition_penalty;
    }
  }
  return values;
}

std::int64_t first_largest(const std::vector<double>& values) {
  return std::max_element(values.begin(), values.end()) - values.begin();  // the first of equal maxima
}

// Top-k: every value below the k-th largest becomes -inf (ties with it stay).
void keep_k_largest(std::vector<double>& values, std::int64_t k) {
  std::vector<double> sorted = values;
  std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<>());
  const double kth = sorted[static_cast<std::size_t>(k - 1)];
  for (auto& v : values)
    if (v < kth) v = -std::numeric_limits<double>::infinity();
}

// softmax in place: exp(v - max) / Σ.
void to_probabilities(std::vector<double>& values) {
  const double largest = *std::max_element(values.begin(), values.end());
  double total = 0;
  for (auto& v : values) total += (v = std::exp(v - largest));
  for (auto& v : values) v /= total;
}

// Top-p: the likeliest tokens are kept until their mass reaches p (the one
// that crosses it included); the others get probability 0.
void keep_nucleus(std::vector<double>& probabilities, double p) {
  std::vector<std::int64_t> order(probabilities.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int64_t a, std::int64_t b) { return probabilities[a] > probabilities[b]; });
  double mass_before = 0;
  for (const auto id : order) {
    const double mass = probabilities[id];
    if (mass_before >= p) probabilities[id] = 0;
    mass_before += mass;
  }
}

// One token drawn in proportion to `probabilities` as torch.multinomial
// draws one sample (and Cradle always drew): an exponential variate q for
// every token in order, from the generator ATen's own exponential kernel
// uses, and the token with the largest p / q (the first of equal ones) — the
// Gumbel-max trick. The same seed gives the same text as before this sampler
// left the tensor operators.
std::int64_t draw_like_multinomial(const std::vector<double>& probabilities, at::Generator& generator) {
  auto* source = at::check_generator<at::CPUGeneratorImpl>(generator);
  std::lock_guard<std::mutex> lock(generator.mutex());
  at::exponential_distribution<double> exponential(1.0);
  std::int64_t best = 0;
  double best_ratio = -1;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double ratio = probabilities[i] / exponential(source);
    if (ratio > best_ratio) {
      best_ratio = ratio;
      best = static_cast<std::int64_t>(i);
    }
  }
  return best;
}

}  // namespace

std::int64_t choose_next_token(torch::Tensor logits, const std::vector<std::int64_t>& history,
                               const SamplingOptions& options, at::Generator& generator,
                               const std::vector<std::int64_t>& generated) {
  auto values = penalised_logits(logits, history, options, generated);
  const auto vocab = static_cast<std::int64_t>(values.size());
  if (vocab == 0) throw Error("generation: the model gave no logits");
  if (options.temperature == 0) return first_largest(values);
  for (auto& v : values) v /= options.temperature;
  if (options.top_k > 0 && options.top_k < vocab) keep_k_largest(values, options.top_k);
  to_probabilities(values);
  if (options.top_p < 1.0) keep_nucleus(values, options.top_p);
  return draw_like_multinomial(values, generator);
}

}  // namespace cradle
