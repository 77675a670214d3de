#pragma once
// Gradient checkpointing (Chen et al., 2016, "Training deep nets with
// sublinear memory cost"): a block's forward pass runs without keeping its
// intermediate activations, and the backward pass runs it again to get them.
// One more forward pass of each block buys the memory of all but the blocks'
// inputs, which at long contexts is most of a training step's.
#include <torch/torch.h>

#include <functional>

namespace cradle {

using CheckpointedBlock = std::function<torch::Tensor(const torch::Tensor&)>;

// `block(input)`, keeping only `input` for the backward pass, which reruns
// the block with the random state it first saw (dropout draws the same
// masks) and sends the gradients to the block's parameters and to `input`.
// Outside training (no gradients wanted) it is just block(input). The block's
// parameters get their gradients even when `input` needs none (the frozen
// embedding of LoRA fine-tuning), as long as the block has some to train.
torch::Tensor run_checkpointed(const CheckpointedBlock& block, const torch::Tensor& input);

}  // namespace cradle
