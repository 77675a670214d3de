#include "core/models/causal_language_model.h"

namespace cradle {

void CausalLanguageModelImpl::check_input(const torch::Tensor& input_ids) const {
  const std::string name = to_string(config_.architecture);
  TORCH_CHECK(input_ids.dim() == 2, name, ": expected token ids [batch, length], got ", input_ids.sizes());
  TORCH_CHECK(input_ids.size(1) <= config_.max_position_embeddings, name, ": ", input_ids.size(1),
              " tokens are more than the model's context of ", config_.max_position_embeddings);
}

}  // namespace cradle
