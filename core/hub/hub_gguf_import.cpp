#include "core/hub/hub_gguf_import.h"

#include <torch/torch.h>

#include <set>

#include "core/common/error.h"
#include "core/common/shape_text.h"
#include "core/export/gguf_header.h"
#include "core/export/gguf_writer.h"
#include "core/hub/gguf_hub_config.h"
#include "core/hub/gguf_tensor_names.h"

namespace cradle {

HubModel load_gguf_model(const std::filesystem::path& path) { return load_gguf_model(read_gguf(path)); }

HubModel load_gguf_model(const GgufFile& file) {
  HubModel hub;
  hub.folder = file.origin;
  hub.config = gguf_hub_config(file);  // refuses a model larger than the file's tensors
  hub.model = build_hub_architecture(hub.config);
  hub.weight_files = 1;
  std::set<std::string> used = {kRopeFrequencyDivisors}, types;  // the divisors are in the config
  torch::NoGradGuard no_grad;
  for (auto& item : hub.model->named_parameters()) {
    torch::Tensor& parameter = item.value();
    const std::string name = ggml_tensor_name(hub.config.architecture, item.key());
    const GgufTensorInfo* info = file.find_tensor(name);
    if (!info)
      throw DataError(file.origin + ": no tensor " + name + " " + shape_text(parameter.sizes()) + " (" + item.key() +
                      "), which " + hub.config.model_type + " with this metadata needs");
    const auto expected = ggml_layout_shape(hub.config.architecture, item.key(), parameter.sizes().vec());
    if (info->torch_shape() != expected)
      throw DataError(file.origin + ": tensor " + name + " is " + shape_text(info->torch_shape()) +
                      "; the metadata makes it " + shape_text(expected));
    // gguf_tensor: DataError for a ggml type Cradle does not decode.
    torch::Tensor values = from_ggml_layout(hub.config, item.key(), gguf_tensor(file, *info));
    parameter.copy_(values);
    used.insert(name);
    types.insert(to_string(static_cast<GgmlType>(info->type)));
  }
  for (const auto& info : file.tensors)
    if (!used.count(info.name))
      throw DataError(file.origin + ": tensor " + info.name + " " + shape_text(info.torch_shape()) +
                      " has no place in " + hub.config.model_type + " as its metadata describes it");
  hub.stored_dtype = types.size() == 1 ? *types.begin() : "mixed";
  hub.model->eval();
  return hub;
}

}  // namespace cradle
