#pragma once
// Decoding a Hugging Face architecture (core/models/causal_language_model.h)
// for batched generation: a KeyValueCache per slot, and the slots of a step
// fed one after another — the architectures' layers take one sequence length
// per call, so the batch shares the model's time, not its products. Requests
// still join and leave a running batch (core/eval/batched_generation.h).
#include <memory>
#include <optional>

#include "core/eval/decoder_slots.h"
#include "core/eval/sequence_decoder.h"
#include "core/models/causal_language_model.h"

namespace cradle {

class HubSlotDecoder final : public SequenceDecoder {
 public:
  HubSlotDecoder(std::shared_ptr<CausalLanguageModelImpl> model, std::int64_t capacity);

  int open_slot() override { return slots_.open(); }
  void close_slot(int slot) override { slots_.close(slot); }
  void reset_slot(int slot) override { slots_.at(slot).clear(); }
  std::int64_t slot_length(int slot) const override;
  std::int64_t capacity() const override { return capacity_; }
  torch::Tensor feed(const std::vector<SlotFeed>& feeds) override;

 private:
  struct Slot {
    std::optional<KeyValueCache> cache;  // made on first use
    void clear() {
      if (cache) cache->reset();
    }
  };
  std::shared_ptr<CausalLanguageModelImpl> model_;
  std::int64_t capacity_;
  DecoderSlots<Slot> slots_;
};

}  // namespace cradle
