#include "core/models/model_factory.h"

#include "core/models/cnn.h"
#include "core/models/mlp.h"

namespace cradle {

torch::nn::Sequential build_model(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                  std::int64_t num_classes) {
  if (spec.type == "mlp") return build_mlp(spec, input_shape, num_classes);
  return build_cnn(spec, input_shape, num_classes);
}

}  // namespace cradle
