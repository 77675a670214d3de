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

#include "core/models/causal_language_model.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct SamplingOptions {
  std::int64_t max_new_tokens = 128;
  double temperature = 1.0;         // 0: greedy (the likeliest token)
  std::int64_t top_k = 0;           // keep the k likeliest tokens; 0: all
  double top_p = 1.0;               // keep the smallest set whose probability reaches p
  double repetition_penalty = 1.0;  // > 1 discourages tokens already in the text (as in CTRL and Hugging Face)
  std::vector<std::string> stop;    // generation ends before the first of these strings
  std::uint64_t seed = 0;
  bool stop_at_end_of_text = true;  // <eos> ends the text
  bool use_cache = true;            // GPTs and Hugging Face models; recurrent models recompute
  // The ids that end the text when stop_at_end_of_text is set; empty: Cradle's <eos>. A chat
  // model's end of turn (core/text/chat_format.h), a model folder's end-of-text ids.
  std::vector<std::int64_t> end_ids;
};

// ConfigError naming the option when one is out of range.
void check_sampling_options(const SamplingOptions& options);

// Where the window over a sequence of `length` tokens starts (see above).
std::int64_t context_window_start(std::int64_t length, std::int64_t context_length);

// Chooses the next token from `logits` [vocab] (float32, CPU) given the
// tokens so far (for the repetition penalty).
std::int64_t choose_next_token(torch::Tensor logits, const std::vector<std::int64_t>& history,
                               const SamplingOptions& options, at::Generator& generator);

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

  bool uses_cache(const SamplingOptions& options) const;
  // The ids that end a text unless options.end_ids names others: a chat
  // model's end of turn (core/text/chat_format.h) instead of <eos>.
  void end_at(std::vector<std::int64_t> end_ids) { end_ids_ = std::move(end_ids); }

  // Asked after every token (a piece of text may take several tokens, or
  // none, to appear): returning true ends the generation as "cancelled". A
  // window's Stop button, whatever the model writes.
  void cancel_when(std::function<bool()> cancelled) { cancelled_ = std::move(cancelled); }

 private:
  using IdGeneration = std::function<std::vector<std::int64_t>(const std::vector<std::int64_t>& prompt,
                                                               const SamplingOptions& options, const TokenSink& sink)>;
  std::function<bool()> cancelled_;
  IdGeneration generate_ids_;
  std::function<std::vector<std::int64_t>(const std::string&)> prompt_ids_;
  std::vector<std::int64_t> end_ids_;
  bool can_cache_ = false;
  std::shared_ptr<const Tokenizer> tokenizer_;
};

}  // namespace cradle
