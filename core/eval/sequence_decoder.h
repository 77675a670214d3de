#pragma once
// The model's side of generation: sequences held in slots, each with its own
// key/value cache (or its own window of tokens where the model has no cache),
// fed together in one step. A step feeds any open slots any number of tokens
// each — a new sequence's whole prompt beside another's one new token — so
// requests join and leave a running batch as they start and finish
// (continuous batching, core/eval/batched_generation.h).
//
// One variant per kind of model, each in its own file; adding one touches its
// file and make_sequence_decoder:
// - core/eval/packed_gpt_decoder.h: Cradle's GPT, every slot's tokens through
//   the layers as one matrix (the batched step that pays);
// - core/eval/hub_slot_decoder.h: a Hugging Face architecture, a
//   KeyValueCache per slot, one slot after another;
// - core/eval/window_decoder.h: any other model (recurrent ones), or any model
//   with the cache turned off: each slot's window recomputed.
#include <torch/nn.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace cradle {

class CausalLanguageModelImpl;

struct SlotFeed {
  int slot = 0;
  std::vector<std::int64_t> tokens;  // after the slot's positions; not empty
};

class SequenceDecoder {
 public:
  virtual ~SequenceDecoder() = default;
  // A slot with nothing in it (a freed one is reused).
  virtual int open_slot() = 0;
  virtual void close_slot(int slot) = 0;
  // Empties the slot (its buffers stay allocated): the window moved.
  virtual void reset_slot(int slot) = 0;
  // Positions the slot holds.
  virtual std::int64_t slot_length(int slot) const = 0;
  // The most positions a slot holds (the context length).
  virtual std::int64_t capacity() const = 0;
  // Feeds each slot its tokens (at most one feed per slot) and returns, per
  // feed in order, the logits after its last token: [feeds, vocab], float32
  // on the CPU. The model runs in evaluation mode without gradients for the
  // call. std::logic_error when a slot would pass the capacity or is not open.
  virtual torch::Tensor feed(const std::vector<SlotFeed>& feeds) = 0;
};

// The decoder for a language model built here (a GPT, a recurrent model) or
// read from a Hugging Face folder (core/hub/pretrained_language_model.h),
// over windows of `context_length` positions; `use_cache` off recomputes every
// window (the reference the cached paths are tested against).
std::unique_ptr<SequenceDecoder> make_sequence_decoder(torch::nn::Sequential model, std::int64_t context_length,
                                                       bool use_cache);
// A Hugging Face architecture directly.
std::unique_ptr<SequenceDecoder> make_sequence_decoder(std::shared_ptr<CausalLanguageModelImpl> model,
                                                       std::int64_t context_length, bool use_cache);

// Whether make_sequence_decoder gives `model` a key/value cache.
bool has_cached_decoder(const torch::nn::Sequential& model);

}  // namespace cradle
