#pragma once
// Text generation from a language model: greedy decoding or sampling with
// temperature, top-k, top-p (nucleus) and a repetition penalty, stop strings,
// a seed, and the GPT's key/value cache.
//
// The context window: a model sees at most `context_length` tokens. When the
// sequence outgrows it, the window moves forward by half a context at a time
// (never by one token), so the cached and the recomputing paths see exactly
// the same tokens at every step and their greedy output is identical; the
// model always keeps at least half a context of history.
#include <torch/nn.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/eval/sequence_decoder.h"
#include "core/eval/token_sampling.h"
#include "core/models/causal_language_model.h"
#include "core/text/tokenizer.h"

namespace cradle {

// Where the window over a sequence of `length` tokens starts (see above).
std::int64_t context_window_start(std::int64_t length, std::int64_t context_length);

// Called with each new token id; returning false stops generation.
using TokenSink = std::function<bool(std::int64_t token)>;

// Generates up to options.max_new_tokens after `prompt` (ids; not empty) and
// returns the new ids. The model is put in evaluation mode for the call. A
// model folder's architecture (core/hub/pretrained_language_model.h) runs
// with its key/value cache over `context_length` positions.
std::vector<std::int64_t> generate_tokens(torch::nn::Sequential& model, const std::vector<std::int64_t>& prompt,
                                          std::int64_t context_length, const SamplingOptions& options,
                                          const TokenSink& sink = {});

// The same from a model read from a Hugging Face folder, with its key/value
// cache unless options.use_cache is off, ending at any of `end_ids` when
// options.stop_at_end_of_text is set.
std::vector<std::int64_t> generate_tokens(CausalLanguageModelImpl& model, const std::vector<std::int64_t>& prompt,
                                          const std::vector<std::int64_t>& end_ids, const SamplingOptions& options,
                                          const TokenSink& sink = {});

// The text `generated` adds after `prompt`: decoded together, so a word
// boundary between them (sentencepiece's leading space) is kept.
std::string continuation_text(const Tokenizer& tokenizer, const std::vector<std::int64_t>& prompt,
                              const std::vector<std::int64_t>& generated);

struct Generation {
  std::string text;                  // the continuation, without the prompt or a stop string
  std::vector<std::int64_t> tokens;  // the new ids
  std::string finish_reason;         // "length", "stop" (a stop string), "end_of_text", "cancelled"
  double seconds = 0;
  double tokens_per_second = 0;
  bool cached = false;  // whether the key/value cache was used
};

// One sequence's tokens becoming its text: pieces handed to a sink as soon as
// they are certain (a piece that could begin a stop string waits; characters
// stay whole), the text cut at a stop string, and the reason it ended.
// TextGenerator runs one per generation; the HTTP service one per request in a
// shared batch (core/serve/generation_scheduler.h).
class GenerationText {
 public:
  using TextSink = std::function<bool(const std::string& piece)>;
  GenerationText(std::shared_ptr<const Tokenizer> tokenizer, std::vector<std::int64_t> prompt,
                 const SamplingOptions& options, TextSink sink = {}, std::function<bool()> cancelled = {});
  // The next token; false when the text has ended (an end id, a stop string, a cancelled sink).
  bool add(std::int64_t token);
  // The whole generation, the last pieces handed over; `seconds` since it began.
  Generation finish(double seconds);
  std::size_t token_count() const { return generated_.size(); }

 private:
  void emit_up_to(const std::string& text, std::size_t end);

  std::shared_ptr<const Tokenizer> tokenizer_;
  std::vector<std::int64_t> prompt_, generated_;
  SamplingOptions options_;
  TextSink sink_;
  std::function<bool()> cancelled_;
  std::size_t hold_ = 0;  // bytes held back: a stop string's length less one
  std::string text_, emitted_;
  std::string finish_reason_ = "length";
  bool sink_cancelled_ = false;
};

class TextGenerator {
 public:
  TextGenerator(torch::nn::Sequential model, std::shared_ptr<const Tokenizer> tokenizer, std::int64_t context_length);
  // A Hugging Face model and its tokenizer (core/hub/): a prompt's ids begin as
  // the tokenizer's post-processor says (Llama's `<s>`), and generation ends
  // at any of `end_ids` (the config's and the tokenizer's end-of-text tokens).
  TextGenerator(std::shared_ptr<CausalLanguageModelImpl> model, std::shared_ptr<const Tokenizer> tokenizer,
                std::function<std::vector<std::int64_t>(const std::string&)> prompt_ids,
                std::vector<std::int64_t> end_ids);

  // Called with each new piece of text as soon as it is certain (a piece that
  // could begin a stop string waits); returning false cancels.
  using TextSink = std::function<bool(const std::string& piece)>;

  // A run's model: the prompt's tokens follow <eos>, as every record does in training.
  Generation generate(const std::string& prompt, const SamplingOptions& options, const TextSink& sink = {});
  // From token ids as they are (a chat prompt, core/text/chat_template.h).
  Generation generate_from(const std::vector<std::int64_t>& prompt, const SamplingOptions& options,
                           const TextSink& sink = {});

  // Several prompts at once through one batched decoder (core/eval/batched_generation.h),
  // each with its own options (its seed): what each would give alone.
  std::vector<Generation> generate_batch(const std::vector<std::vector<std::int64_t>>& prompts,
                                         const std::vector<SamplingOptions>& options);

  // The prompt's ids as generate() writes them, and the options as generate_from completes them.
  std::vector<std::int64_t> prompt_ids(const std::string& prompt) const { return prompt_ids_(prompt); }
  SamplingOptions completed(const SamplingOptions& options) const;
  // A decoder for batched generation with this model (core/eval/sequence_decoder.h).
  std::unique_ptr<SequenceDecoder> new_decoder(bool use_cache = true) const { return make_decoder_(use_cache); }
  std::shared_ptr<const Tokenizer> tokenizer() const { return tokenizer_; }

  bool uses_cache(const SamplingOptions& options) const;
  // The ids that end a text unless options.end_ids names others: a chat
  // model's end of turn (core/text/chat_format.h) instead of <eos>.
  void end_at(std::vector<std::int64_t> end_ids) { end_ids_ = std::move(end_ids); }

  // Asked after every token (a piece of text may take several tokens, or
  // none, to appear): returning true ends the generation as "cancelled". A
  // window's Stop button, whatever the model writes.
  void cancel_when(std::function<bool()> cancelled) { cancelled_ = std::move(cancelled); }

 private:
  std::function<bool()> cancelled_;
  std::function<std::unique_ptr<SequenceDecoder>(bool use_cache)> make_decoder_;
  std::function<std::vector<std::int64_t>(const std::string&)> prompt_ids_;
  std::vector<std::int64_t> end_ids_;
  bool can_cache_ = false;
  std::shared_ptr<const Tokenizer> tokenizer_;
};

}  // namespace cradle
