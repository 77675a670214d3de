#include "core/models/model_factory.h"

#include "core/common/error.h"
#include "core/hub/pretrained_language_model.h"
#include "core/models/cnn.h"
#include "core/models/gpt.h"
#include "core/models/imagenet_resnet.h"
#include "core/models/lenet.h"
#include "core/models/mlp.h"
#include "core/models/mobilenet_v2.h"
#include "core/models/recurrent_language_model.h"
#include "core/models/resnet.h"

namespace cradle {

torch::nn::Sequential build_model(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                  std::int64_t num_classes, const std::vector<std::int64_t>& category_sizes) {
  if (spec.is_pretrained()) return load_pretrained_sequential(spec.folder);  // its config decides the shapes
  if (spec.is_recurrent()) return build_recurrent_language_model(spec, num_classes);
  if (spec.type == "gpt") return build_gpt(spec, input_shape.at(0), num_classes);
  if (spec.type == "mlp") return build_mlp(spec, input_shape, num_classes, category_sizes);
  if (!category_sizes.empty())
    throw ConfigError("model.type: embedded categories need an \"mlp\", got \"" + spec.type + "\"");
  if (spec.type == "lenet5") return build_lenet5(spec, input_shape, num_classes);
  if (spec.type == "resnet") return build_resnet(spec, input_shape, num_classes);
  if (spec.is_imagenet_backbone()) {
    if (input_shape.size() != 3)
      throw ConfigError("model.type: \"" + spec.type + "\" needs images (channels, height, width); this data has " +
                        std::to_string(input_shape.size()) + "-dimensional samples");
    if (std::min(input_shape[1], input_shape[2]) < 32)
      throw ConfigError("model.type: \"" + spec.type + "\" shrinks its input 32 times; images of " +
                        std::to_string(input_shape[1]) + "x" + std::to_string(input_shape[2]) +
                        " are too small (data.image_size: 224 is what ImageNet backbones are trained at)");
    if (spec.type == "mobilenet_v2") return build_mobilenet_v2(input_shape[0], num_classes, spec.dropout);
    return build_imagenet_resnet(imagenet_resnet_shape(spec.type), input_shape[0], num_classes, spec.dropout);
  }
  return build_cnn(spec, input_shape, num_classes);
}

}  // namespace cradle
