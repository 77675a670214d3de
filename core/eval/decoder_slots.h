#pragma once
// The slot bookkeeping every SequenceDecoder variant shares
// (core/eval/sequence_decoder.h): slots opened, closed and reused by number.
#include <stdexcept>
#include <string>
#include <vector>

namespace cradle {

// `Slot` holds one sequence's state; Slot::clear() empties it and keeps its buffers.
template <class Slot>
class DecoderSlots {
 public:
  int open() {
    for (std::size_t i = 0; i < slots_.size(); ++i)
      if (!open_[i]) {
        open_[i] = true;
        slots_[i].clear();
        return static_cast<int>(i);
      }
    slots_.emplace_back();
    open_.push_back(true);
    return static_cast<int>(slots_.size() - 1);
  }
  void close(int slot) {
    at(slot);
    open_[static_cast<std::size_t>(slot)] = false;
  }
  Slot& at(int slot) {
    if (slot < 0 || static_cast<std::size_t>(slot) >= slots_.size() || !open_[static_cast<std::size_t>(slot)])
      throw std::logic_error("sequence decoder: slot " + std::to_string(slot) + " is not open");
    return slots_[static_cast<std::size_t>(slot)];
  }
  const Slot& at(int slot) const { return const_cast<DecoderSlots*>(this)->at(slot); }

 private:
  std::vector<Slot> slots_;
  std::vector<bool> open_;
};

}  // namespace cradle
