#pragma once
// Batched decoding of Cradle's GPT (core/models/gpt.h): the tokens every slot
// is fed in a step are packed into one matrix [N, width], so each layer's
// products (attention's qkv and projection, the MLP, the logits) read their
// weights once for all the sequences instead of once per sequence — at a few
// tokens per sequence a step costs about what one sequence's step did. Only
// attention is per sequence, against that slot's own key/value cache.
//
// The products take row_independent_linear (core/models/few_rows_linear.h)
// on the CPU, whose every row is summed as it would be alone, and norms,
// activations and attention work row by row too: a sequence's logits, and so
// its tokens at temperature 0 or with its own seed, are the same in a batch of
// one and in a batch of sixty-four. Inference only: dropout is not applied.
#include <torch/nn.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/eval/decoder_slots.h"
#include "core/eval/sequence_decoder.h"
#include "core/models/gpt.h"

namespace cradle {

class PackedGptDecoder final : public SequenceDecoder {
 public:
  // True when `model` is laid out as build_gpt makes it: embedding, blocks, final norm, logits.
  static bool supports(const torch::nn::Sequential& model);

  // `capacity`: the most positions a slot holds (the model's context length).
  PackedGptDecoder(torch::nn::Sequential model, std::int64_t capacity);

  int open_slot() override { return slots_.open(); }
  void close_slot(int slot) override { slots_.close(slot); }
  void reset_slot(int slot) override { slots_.at(slot).clear(); }
  std::int64_t slot_length(int slot) const override { return slots_.at(slot).length; }
  std::int64_t capacity() const override { return capacity_; }
  torch::Tensor feed(const std::vector<SlotFeed>& feeds) override;

 private:
  struct Slot {
    std::vector<AttentionCache> layers;  // per block, [1, heads, capacity, head width] buffers
    std::int64_t length = 0;
    void clear() {
      length = 0;
      for (auto& layer : layers) layer.length = 0;
    }
  };
  // One block over the packed rows x [N, width]; `feeds` says which rows are whose.
  torch::Tensor block(std::size_t index, const torch::Tensor& x, const std::vector<SlotFeed>& feeds);
  // Attention of every slot's new rows in qkv [N, 3 width]: [N, width]. The
  // slots fed one token (all of them, each step after the prompts) go
  // through one pass where it applies; a slot taking a prompt attends alone.
  torch::Tensor attention_rows(std::size_t index, const torch::Tensor& qkv, const std::vector<SlotFeed>& feeds);
  // Whether layer `index` takes that one pass: no rotary positions, the CPU, inference, float32 or bfloat16.
  bool one_pass_applies(std::size_t index, const torch::Tensor& qkv) const;
  // One token for each of `slots` (qkv's rows, contiguous): their keys and values stored and
  // their attention worked out in one pass, [slots, width].
  torch::Tensor attend_one_token_each(std::size_t index, const torch::Tensor& qkv, const std::vector<int>& slots);
  // Layer `index`'s cache of `slot`, its buffers made on first use.
  AttentionCache& cache_of(std::size_t index, Slot& slot, const torch::TensorOptions& options);
  // Attention of one slot's n new rows (q, k, v each [n, width]) against its cache: [n, width].
  torch::Tensor attend(std::size_t index, Slot& slot, const torch::Tensor& q, const torch::Tensor& k,
                       const torch::Tensor& v);

  torch::nn::Sequential model_;
  std::int64_t capacity_;
  std::shared_ptr<TokenEmbeddingImpl> embedding_;
  std::vector<std::shared_ptr<TransformerBlockImpl>> blocks_;
  std::shared_ptr<torch::nn::LayerNormImpl> final_norm_;
  torch::Tensor logits_weight_;  // [vocab, width]: the output layer's, or the tied embedding's
  DecoderSlots<Slot> slots_;
  torch::Device device_{torch::kCPU};
};

}  // namespace cradle
