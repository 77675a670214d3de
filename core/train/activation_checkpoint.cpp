#include "core/train/activation_checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>

#include <mutex>

namespace cradle {
namespace {

// The backward node standing for a whole checkpointed block: reruns it with
// gradients on, then runs the rerun's backward pass (a reentrant backward, as
// PyTorch's torch.utils.checkpoint does), which fills the parameters'
// gradients, and hands the input's gradient on.
class RecomputedBlock : public torch::autograd::Node {
 public:
  RecomputedBlock(CheckpointedBlock block, const torch::Tensor& input, torch::Tensor random_state)
      : block_(std::move(block)),
        input_(input.detach()),
        wants_input_gradient_(input.requires_grad()),
        random_state_(std::move(random_state)) {}

  torch::autograd::variable_list apply(torch::autograd::variable_list&& gradients) override {
    TORCH_CHECK(input_.defined(), "a checkpointed block's backward pass ran twice");
    torch::Tensor input = input_.detach().requires_grad_(wants_input_gradient_);
    torch::Tensor output;
    {
      torch::AutoGradMode with_gradients(true);
      // The generator's lock is held only to swap states: dropout inside the block takes it too.
      auto generator = at::detail::getDefaultCPUGenerator();
      torch::Tensor now;
      {
        std::lock_guard<std::mutex> lock(generator.mutex());
        now = generator.get_state();
        generator.set_state(random_state_);
      }
      output = block_(input);
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(now);
    }
    input_ = torch::Tensor();                               // the block's input is no longer needed
    if (!output.requires_grad()) return {torch::Tensor()};  // nothing in the block trains
    torch::autograd::backward({output}, {gradients[0]});
    return {wants_input_gradient_ ? input.grad() : torch::Tensor()};
  }

  void release_variables() override { input_ = torch::Tensor(); }

 private:
  CheckpointedBlock block_;
  torch::Tensor input_;
  bool wants_input_gradient_;
  torch::Tensor random_state_;
};

}  // namespace

torch::Tensor run_checkpointed(const CheckpointedBlock& block, const torch::Tensor& input) {
  if (!torch::GradMode::is_enabled()) return block(input);
  torch::Tensor random_state;
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    random_state = generator.get_state();
  }
  torch::Tensor output;
  {
    torch::NoGradGuard no_gradients;
    output = block(input);
  }
  auto node =
      std::shared_ptr<RecomputedBlock>(new RecomputedBlock(block, input, random_state), torch::autograd::deleteNode);
  node->set_next_edges(torch::autograd::collect_next_edges(input));
  torch::autograd::set_history(output, node);
  return output;
}

}  // namespace cradle
