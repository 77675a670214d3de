#pragma once
// How generation picks each next token from the model's logits: greedy
// (temperature 0) or sampled with a temperature, top-k and top-p (nucleus),
// after OpenAI's presence and frequency penalties and CTRL's repetition
// penalty. Each sequence draws from its own generator, so its tokens depend on
// its seed alone, not on what else is generated beside it.
//
// The sampler works on the vocabulary's values directly rather than through a
// dozen tensor operators (a conversion, a division, a softmax, multinomial's
// checks and its draw): in a batch of sixteen sequences those operators cost
// as much as the model's step. Its draw is torch.multinomial's, variate for
// variate, so a seed gives the text it always gave.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cradle {

struct SamplingOptions {
  std::int64_t max_new_tokens = 128;
  double temperature = 1.0;         // 0: greedy (the likeliest token)
  std::int64_t top_k = 0;           // keep the k likeliest tokens; 0: all
  double top_p = 1.0;               // keep the smallest set whose probability reaches p
  double repetition_penalty = 1.0;  // > 1 discourages tokens already in the text (as in CTRL and Hugging Face)
  // OpenAI's: a generated token's logit minus presence_penalty once it has been
  // generated and frequency_penalty for every time it has; -2 to 2.
  double presence_penalty = 0.0;
  double frequency_penalty = 0.0;
  std::vector<std::string> stop;  // generation ends before the first of these strings
  std::uint64_t seed = 0;
  bool stop_at_end_of_text = true;  // <eos> ends the text
  bool use_cache = true;            // GPTs and Hugging Face models; recurrent models recompute
  // The ids that end the text when stop_at_end_of_text is set; empty: Cradle's <eos>. A chat
  // model's end of turn (core/text/chat_format.h), a model folder's end-of-text ids.
  std::vector<std::int64_t> end_ids;
};

// ConfigError naming the option when one is out of range.
void check_sampling_options(const SamplingOptions& options);

// Chooses the next token from `logits` [vocab] (float32, CPU) given the
// tokens so far (for the repetition penalty) and those generated among them
// (for the presence and frequency penalties). Safe to call from several
// threads at once for different generators.
std::int64_t choose_next_token(torch::Tensor logits, const std::vector<std::int64_t>& history,
                               const SamplingOptions& options, at::Generator& generator,
                               const std::vector<std::int64_t>& generated = {});

}  // namespace cradle
