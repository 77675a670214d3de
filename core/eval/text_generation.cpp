#include "core/eval/text_generation.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <unordered_set>

#include "core/common/error.h"
#include "core/hub/pretrained_language_model.h"
#include "core/models/evaluation_mode.h"
#include "core/models/gpt_decoder.h"

namespace cradle {
namespace {

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

void check_sampling_options(const SamplingOptions& o) {
  const auto fail = [](const std::string& what) { throw ConfigError("sampling: " + what); };
  if (o.max_new_tokens < 1) fail("max_new_tokens must be at least 1 (got " + std::to_string(o.max_new_tokens) + ")");
  if (!(o.temperature >= 0) || !std::isfinite(o.temperature))
    fail("temperature must be 0 (greedy) or more (got " + number(o.temperature) + ")");
  if (o.top_k < 0) fail("top_k must be 0 (all tokens) or more (got " + std::to_string(o.top_k) + ")");
  if (!(o.top_p > 0 && o.top_p <= 1)) fail("top_p must be in (0, 1] (got " + number(o.top_p) + ")");
  if (!(o.repetition_penalty > 0) || !std::isfinite(o.repetition_penalty))
    fail("repetition_penalty must be more than 0 (got " + number(o.repetition_penalty) + ")");
  for (const auto& s : o.stop)
    if (s.empty()) fail("a stop string is empty");
}

std::int64_t context_window_start(std::int64_t length, std::int64_t context_length) {
  if (length <= context_length) return 0;
  const std::int64_t shift = std::max<std::int64_t>(1, context_length / 2);
  return (length - context_length + shift - 1) / shift * shift;
}

std::int64_t choose_next_token(torch::Tensor logits, const std::vector<std::int64_t>& history,
                               const SamplingOptions& options, at::Generator& generator) {
  logits = logits.to(torch::kFloat64).contiguous().clone();
  const std::int64_t vocab = logits.size(0);
  if (options.repetition_penalty != 1.0) {
    // Divides a positive logit and multiplies a negative one: either way the token becomes less likely.
    auto values = logits.accessor<double, 1>();
    std::unordered_set<std::int64_t> seen;
    for (const auto id : history) {
      if (id < 0 || id >= vocab || !seen.insert(id).second) continue;
      values[id] = values[id] > 0 ? values[id] / options.repetition_penalty : values[id] * options.repetition_penalty;
    }
  }
  if (options.temperature == 0) return logits.argmax().item<std::int64_t>();  // the first of equal maxima
  logits.div_(options.temperature);
  if (options.top_k > 0 && options.top_k < vocab) {
    const double kth = std::get<0>(logits.topk(options.top_k)).min().item<double>();
    logits.masked_fill_(logits < kth, -std::numeric_limits<double>::infinity());
  }
  auto probabilities = torch::softmax(logits, 0);
  if (options.top_p < 1.0) {
    // Keep the likeliest tokens until their mass reaches p (the one that crosses it included).
    auto [sorted, order] = probabilities.sort(0, /*descending=*/true);
    const auto mass_before = sorted.cumsum(0) - sorted;
    sorted.masked_fill_(mass_before >= options.top_p, 0.0);
    probabilities = torch::zeros_like(probabilities).scatter_(0, order, sorted);
  }
  return torch::multinomial(probabilities, 1, false, generator).item<std::int64_t>();
}

namespace {

// The next token's logits [vocab] (float32, CPU) for the window ids[start, end).
using LogitsAfter = std::function<torch::Tensor(const std::vector<std::int64_t>& ids, std::int64_t start)>;

// The loop every model kind shares: window, logits, choice, until a limit, an end id or the sink says stop.
std::vector<std::int64_t> generation_loop(const LogitsAfter& logits_after, const std::vector<std::int64_t>& prompt,
                                          std::int64_t context_length, const std::vector<std::int64_t>& end_ids,
                                          const SamplingOptions& options, const TokenSink& sink) {
  // Its own generator: the same draws for the same seed, and the global random stream untouched.
  auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  std::vector<std::int64_t> ids = prompt, generated;
  for (std::int64_t step = 0; step < options.max_new_tokens; ++step) {
    const std::int64_t start = context_window_start(static_cast<std::int64_t>(ids.size()), context_length);
    const std::int64_t token = choose_next_token(logits_after(ids, start), ids, options, generator);
    ids.push_back(token);
    generated.push_back(token);
    if (sink && !sink(token)) break;
    if (options.stop_at_end_of_text && std::find(end_ids.begin(), end_ids.end(), token) != end_ids.end()) break;
  }
  return generated;
}

void check_generation_request(const std::vector<std::int64_t>& prompt, std::int64_t context_length,
                              const SamplingOptions& options) {
  check_sampling_options(options);
  if (prompt.empty()) throw ConfigError("generation: the prompt has no tokens");
  if (context_length < 1) throw ConfigError("generation: the context length must be at least 1");
}

// A Hugging Face architecture over a window of `context_length` positions, with its key/value cache unless asked not to.
std::vector<std::int64_t> generate_with_cache(CausalLanguageModelImpl& model, const std::vector<std::int64_t>& prompt,
                                              std::int64_t context_length, const std::vector<std::int64_t>& end_ids,
                                              const SamplingOptions& options, const TokenSink& sink) {
  check_generation_request(prompt, context_length, options);
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(model);
  const torch::Device device = model_device(model);
  std::optional<KeyValueCache> cache;
  if (options.use_cache) cache.emplace(model.new_cache(context_length));
  std::int64_t cache_start = 0;  // the cache holds ids[cache_start, cache_start + cache->length())
  const LogitsAfter logits_after = [&](const std::vector<std::int64_t>& ids, std::int64_t start) {
    if (cache && (start != cache_start || cache->length() == 0)) {  // the window moved: start again from it
      cache->reset();
      cache_start = start;
    }
    const std::int64_t first = cache ? cache_start + cache->length() : start;
    const auto fresh = torch::tensor(std::vector<std::int64_t>(ids.begin() + first, ids.end()), torch::kInt64)
                           .view({1, -1})
                           .to(device);
    const auto logits = cache ? model.forward_cached(fresh, *cache) : model.forward(fresh);
    return logits[0][-1].to(torch::kFloat32).cpu();
  };
  return generation_loop(logits_after, prompt, context_length, end_ids, options, sink);
}

}  // namespace

std::vector<std::int64_t> generate_tokens(torch::nn::Sequential& model, const std::vector<std::int64_t>& prompt,
                                          std::int64_t context_length, const SamplingOptions& options,
                                          const TokenSink& sink) {
  const std::vector<std::int64_t> end_ids =
      options.end_ids.empty() ? std::vector<std::int64_t>{kEosId} : options.end_ids;
  if (const auto pretrained = pretrained_language_model(model))
    return generate_with_cache(*pretrained, prompt, context_length, end_ids, options, sink);
  check_generation_request(prompt, context_length, options);
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(*model);
  const torch::Device device = model_device(*model);
  std::optional<GptDecoder> decoder;
  if (options.use_cache && GptDecoder::supports(model)) decoder.emplace(model, context_length);
  std::int64_t cache_start = 0;  // the decoder holds ids[cache_start, cache_start + decoder->length())
  const LogitsAfter logits_after = [&](const std::vector<std::int64_t>& ids, std::int64_t start) {
    if (decoder) {
      if (start != cache_start || decoder->length() == 0) {
        decoder->reset();
        cache_start = start;
      }
      return decoder->feed(std::vector<std::int64_t>(ids.begin() + cache_start + decoder->length(), ids.end()));
    }
    const auto window = torch::tensor(std::vector<std::int64_t>(ids.begin() + start, ids.end()), torch::kInt64);
    return model->forward(window.view({1, -1}).to(device)).select(1, -1).view({-1}).to(torch::kFloat32).cpu();
  };
  return generation_loop(logits_after, prompt, context_length, end_ids, options, sink);
}

std::vector<std::int64_t> generate_tokens(CausalLanguageModelImpl& model, const std::vector<std::int64_t>& prompt,
                                          const std::vector<std::int64_t>& end_ids, const SamplingOptions& options,
                                          const TokenSink& sink) {
  return generate_with_cache(model, prompt, model.config().max_position_embeddings, end_ids, options, sink);
}

std::string continuation_text(const Tokenizer& tokenizer, const std::vector<std::int64_t>& prompt,
                              const std::vector<std::int64_t>& generated) {
  std::vector<std::int64_t> all = prompt;
  all.insert(all.end(), generated.begin(), generated.end());
  const std::string before = tokenizer.decode(prompt), after = tokenizer.decode(all);
  if (after.compare(0, before.size(), before) == 0) return after.substr(before.size());
  return tokenizer.decode(generated);
}

TextGenerator::TextGenerator(torch::nn::Sequential model, std::shared_ptr<const Tokenizer> tokenizer,
                             std::int64_t context_length)
    : end_ids_({kEosId}),
      can_cache_(GptDecoder::supports(model) || pretrained_language_model(model)),
      tokenizer_(std::move(tokenizer)) {
  generate_ids_ = [model, context_length](const std::vector<std::int64_t>& prompt, const SamplingOptions& options,
                                          const TokenSink& sink) mutable {
    return generate_tokens(model, prompt, context_length, options, sink);
  };
  prompt_ids_ = [tokenizer = tokenizer_](const std::string& prompt) {
    std::vector<std::int64_t> ids = {kEosId};
    const auto prompt_ids = tokenizer->encode(prompt);
    ids.insert(ids.end(), prompt_ids.begin(), prompt_ids.end());
    return ids;
  };
}

TextGenerator::TextGenerator(std::shared_ptr<CausalLanguageModelImpl> model, std::shared_ptr<const Tokenizer> tokenizer,
                             std::function<std::vector<std::int64_t>(const std::string&)> prompt_ids,
                             std::vector<std::int64_t> end_ids)
    : prompt_ids_(std::move(prompt_ids)),
      end_ids_(std::move(end_ids)),
      can_cache_(true),
      tokenizer_(std::move(tokenizer)) {
  generate_ids_ = [model](const std::vector<std::int64_t>& prompt, const SamplingOptions& options,
                          const TokenSink& sink) {
    return generate_tokens(*model, prompt, options.end_ids, options, sink);
  };
}

bool TextGenerator::uses_cache(const SamplingOptions& options) const { return options.use_cache && can_cache_; }

Generation TextGenerator::generate(const std::string& prompt, const SamplingOptions& options, const TextSink& sink) {
  return generate_from(prompt_ids_(prompt), options, sink);
}

Generation TextGenerator::generate_from(const std::vector<std::int64_t>& ids, const SamplingOptions& asked,
                                        const TextSink& sink) {
  check_sampling_options(asked);
  SamplingOptions options = asked;
  if (options.end_ids.empty()) options.end_ids = end_ids_;

  // A piece that could be the start of a stop string is held back until it is not.
  std::size_t hold = 0;
  for (const auto& s : options.stop) hold = std::max(hold, s.size() - 1);

  Generation result;
  result.finish_reason = "length";
  result.cached = uses_cache(options);
  std::string emitted;  // the text handed to the sink so far
  bool cancelled = false;
  const auto emit_up_to = [&](const std::string& text, std::size_t end) {
    if (!sink || cancelled || end <= emitted.size() || text.compare(0, emitted.size(), emitted) != 0) return;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // whole characters
    if (end <= emitted.size()) return;
    const std::string piece = text.substr(emitted.size(), end - emitted.size());
    emitted += piece;
    if (!sink(piece)) cancelled = true;
  };

  const auto begin = std::chrono::steady_clock::now();
  std::string text;
  std::vector<std::int64_t> generated;
  generate_ids_(ids, options, [&](std::int64_t token) {
    generated.push_back(token);
    if (cancelled_ && cancelled_()) {
      result.finish_reason = "cancelled";
      return false;
    }
    const auto& end_ids = options.end_ids;
    if (options.stop_at_end_of_text && std::find(end_ids.begin(), end_ids.end(), token) != end_ids.end()) {
      result.finish_reason = "end_of_text";
      return false;
    }
    text = continuation_text(*tokenizer_, ids, generated);
    std::size_t cut = std::string::npos;
    for (const auto& s : options.stop) cut = std::min(cut, text.find(s));
    if (cut != std::string::npos) {
      text.resize(cut);
      result.finish_reason = "stop";
      return false;
    }
    emit_up_to(text, text.size() > hold ? text.size() - hold : 0);
    if (cancelled) result.finish_reason = "cancelled";
    return !cancelled;
  });
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  result.tokens = std::move(generated);
  if (result.finish_reason != "stop") text = continuation_text(*tokenizer_, ids, result.tokens);
  emit_up_to(text, text.size());
  result.text = text;
  const auto count = static_cast<double>(result.tokens.size());
  result.tokens_per_second = result.seconds > 0 ? count / result.seconds : 0;
  return result;
}

}  // namespace cradle
