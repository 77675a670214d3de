#include "core/eval/text_generation.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <unordered_set>

#include "core/common/error.h"
#include "core/eval/batched_generation.h"

namespace cradle {
std::int64_t context_window_start(std::int64_t length, std::int64_t context_length) {
  if (length <= context_length) return 0;
  const std::int64_t shift = std::max<std::int64_t>(1, context_length / 2);
  return (length - context_length + shift - 1) / shift * shift;
}

namespace {

// One job through a decoder of its own: what every single generation does.
std::vector<std::int64_t> generate_alone(SequenceDecoder& decoder, const std::vector<std::int64_t>& prompt,
                                         const std::vector<std::int64_t>& end_ids, const SamplingOptions& options,
                                         const TokenSink& sink) {
  if (decoder.capacity() < 1) throw ConfigError("generation: the context length must be at least 1");
  std::vector<GenerationJob> jobs(1);
  jobs[0] = {prompt, options, end_ids, sink};
  return std::move(generate_batch(decoder, std::move(jobs)).front());
}

}  // namespace

std::vector<std::int64_t> generate_tokens(torch::nn::Sequential& model, const std::vector<std::int64_t>& prompt,
                                          std::int64_t context_length, const SamplingOptions& options,
                                          const TokenSink& sink) {
  const std::vector<std::int64_t> end_ids =
      options.end_ids.empty() ? std::vector<std::int64_t>{kEosId} : options.end_ids;
  const auto decoder = make_sequence_decoder(model, context_length, options.use_cache);
  return generate_alone(*decoder, prompt, end_ids, options, sink);
}

std::vector<std::int64_t> generate_tokens(CausalLanguageModelImpl& model, const std::vector<std::int64_t>& prompt,
                                          const std::vector<std::int64_t>& end_ids, const SamplingOptions& options,
                                          const TokenSink& sink) {
  // Not owned: the decoder lives only for this call.
  const std::shared_ptr<CausalLanguageModelImpl> borrowed(&model, [](CausalLanguageModelImpl*) {});
  const auto decoder = make_sequence_decoder(borrowed, model.config().max_position_embeddings, options.use_cache);
  return generate_alone(*decoder, prompt, end_ids, options, sink);
}

std::string continuation_text(const Tokenizer& tokenizer, const std::vector<std::int64_t>& prompt,
                              const std::vector<std::int64_t>& generated) {
  std::vector<std::int64_t> all = prompt;
  all.insert(all.end(), generated.begin(), generated.end());
  const std::string before = tokenizer.decode(prompt), after = tokenizer.decode(all);
  if (after.compare(0, before.size(), before) == 0) return after.substr(before.size());
  return tokenizer.decode(generated);
}

GenerationText::GenerationText(std::shared_ptr<const Tokenizer> tokenizer, std::vector<std::int64_t> prompt,
                               const SamplingOptions& options, TextSink sink, std::function<bool()> cancelled)
    : tokenizer_(std::move(tokenizer)),
      prompt_(std::move(prompt)),
      options_(options),
      sink_(std::move(sink)),
      cancelled_(std::move(cancelled)) {
  for (const auto& s : options_.stop) hold_ = std::max(hold_, s.size() - 1);
}

void GenerationText::emit_up_to(const std::string& text, std::size_t end) {
  if (!sink_ || sink_cancelled_ || end <= emitted_.size() || text.compare(0, emitted_.size(), emitted_) != 0) return;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // whole characters
  if (end <= emitted_.size()) return;
  const std::string piece = text.substr(emitted_.size(), end - emitted_.size());
  emitted_ += piece;
  if (!sink_(piece)) sink_cancelled_ = true;
}

bool GenerationText::add(std::int64_t token) {
  generated_.push_back(token);
  if (cancelled_ && cancelled_()) {
    finish_reason_ = "cancelled";
    return false;
  }
  const auto& end_ids = options_.end_ids;
  if (options_.stop_at_end_of_text && std::find(end_ids.begin(), end_ids.end(), token) != end_ids.end()) {
    finish_reason_ = "end_of_text";
    return false;
  }
  text_ = continuation_text(*tokenizer_, prompt_, generated_);
  std::size_t cut = std::string::npos;
  for (const auto& s : options_.stop) cut = std::min(cut, text_.find(s));
  if (cut != std::string::npos) {
    text_.resize(cut);
    finish_reason_ = "stop";
    return false;
  }
  emit_up_to(text_, text_.size() > hold_ ? text_.size() - hold_ : 0);
  if (sink_cancelled_) finish_reason_ = "cancelled";
  return !sink_cancelled_;
}

Generation GenerationText::finish(double seconds) {
  Generation result;
  result.finish_reason = finish_reason_;
  result.seconds = seconds;
  if (finish_reason_ != "stop") text_ = continuation_text(*tokenizer_, prompt_, generated_);
  emit_up_to(text_, text_.size());
  result.text = text_;
  result.tokens = generated_;
  const auto count = static_cast<double>(result.tokens.size());
  result.tokens_per_second = seconds > 0 ? count / seconds : 0;
  return result;
}

TextGenerator::TextGenerator(torch::nn::Sequential model, std::shared_ptr<const Tokenizer> tokenizer,
                             std::int64_t context_length)
    : end_ids_({kEosId}), can_cache_(has_cached_decoder(model)), tokenizer_(std::move(tokenizer)) {
  make_decoder_ = [model, context_length](bool use_cache) {
    return make_sequence_decoder(model, context_length, use_cache);
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
  make_decoder_ = [model](bool use_cache) {
    return make_sequence_decoder(model, model->config().max_position_embeddings, use_cache);
  };
}

bool TextGenerator::uses_cache(const SamplingOptions& options) const { return options.use_cache && can_cache_; }

SamplingOptions TextGenerator::completed(const SamplingOptions& asked) const {
  check_sampling_options(asked);
  SamplingOptions options = asked;
  if (options.end_ids.empty()) options.end_ids = end_ids_;
  return options;
}

Generation TextGenerator::generate(const std::string& prompt, const SamplingOptions& options, const TextSink& sink) {
  return generate_from(prompt_ids_(prompt), options, sink);
}

Generation TextGenerator::generate_from(const std::vector<std::int64_t>& ids, const SamplingOptions& asked,
                                        const TextSink& sink) {
  const SamplingOptions options = completed(asked);
  const auto begin = std::chrono::steady_clock::now();
  GenerationText text(tokenizer_, ids, options, sink, cancelled_);
  const auto decoder = make_decoder_(options.use_cache);
  std::vector<GenerationJob> jobs(1);
  jobs[0] = {ids, options, options.end_ids, [&text](std::int64_t token) { return text.add(token); }};
  cradle::generate_batch(*decoder, std::move(jobs));
  Generation result = text.finish(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  result.cached = uses_cache(options);
  return result;
}

std::vector<Generation> TextGenerator::generate_batch(const std::vector<std::vector<std::int64_t>>& prompts,
                                                      const std::vector<SamplingOptions>& asked) {
  if (prompts.size() != asked.size())
    throw std::logic_error("TextGenerator::generate_batch: " + std::to_string(prompts.size()) + " prompts but " +
                           std::to_string(asked.size()) + " options");
  if (prompts.empty()) return {};
  const auto begin = std::chrono::steady_clock::now();
  std::vector<SamplingOptions> options;
  for (const auto& o : asked) options.push_back(completed(o));
  std::vector<std::unique_ptr<GenerationText>> texts;
  std::vector<GenerationJob> jobs;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    texts.push_back(std::make_unique<GenerationText>(tokenizer_, prompts[i], options[i], nullptr, cancelled_));
    auto* text = texts.back().get();
    jobs.push_back(
        {prompts[i], options[i], options[i].end_ids, [text](std::int64_t token) { return text->add(token); }});
  }
  // One decoder for all: sequences that cannot share a cache (use_cache differing) are not mixed.
  const auto decoder = make_decoder_(options.front().use_cache);
  cradle::generate_batch(*decoder, std::move(jobs));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::vector<Generation> results;
  for (auto& text : texts) {
    results.push_back(text->finish(seconds));
    results.back().cached = uses_cache(options.front());
  }
  return results;
}

}  // namespace cradle
