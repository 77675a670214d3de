#pragma once
// Decoding without a key/value cache: each slot keeps its window of tokens and
// every feed runs the whole window through the model again. What recurrent
// models built here do, and the reference the cached decoders are tested
// against (generation with use_cache off). Slots are run one after another.
#include <torch/nn.h>

#include <functional>

#include "core/eval/decoder_slots.h"
#include "core/eval/sequence_decoder.h"

namespace cradle {

class WindowDecoder final : public SequenceDecoder {
 public:
  // `forward`: token ids [1, T] → logits [1, T, vocab]; `module`: what to keep in evaluation mode for a feed.
  using Forward = std::function<torch::Tensor(const torch::Tensor& ids)>;
  WindowDecoder(Forward forward, std::shared_ptr<torch::nn::Module> module, std::int64_t capacity);

  int open_slot() override { return slots_.open(); }
  void close_slot(int slot) override { slots_.close(slot); }
  void reset_slot(int slot) override { slots_.at(slot).clear(); }
  std::int64_t slot_length(int slot) const override { return static_cast<std::int64_t>(slots_.at(slot).tokens.size()); }
  std::int64_t capacity() const override { return capacity_; }
  torch::Tensor feed(const std::vector<SlotFeed>& feeds) override;

 private:
  struct Slot {
    std::vector<std::int64_t> tokens;
    void clear() { tokens.clear(); }
  };
  Forward forward_;
  std::shared_ptr<torch::nn::Module> module_;
  std::int64_t capacity_;
  DecoderSlots<Slot> slots_;
};

}  // namespace cradle
