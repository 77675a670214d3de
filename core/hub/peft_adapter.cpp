#include "core/hub/peft_adapter.h"

#include <map>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/shape_text.h"
#include "core/experiment/json_object_reader.h"
#include "core/export/safetensors.h"

namespace cradle {
namespace {

constexpr const char* kAdapterWeights = "adapter_model.safetensors";
constexpr const char* kPeftPrefix = "base_model.model.";

// peft keeps an adapter's name in memory ("lora_A.default.weight") and drops it in files; accept both.
std::string without_adapter_name(std::string name) {
  for (const char* part : {".lora_A.default.", ".lora_B.default."}) {
    const auto at = name.find(part);
    if (at != std::string::npos) name.erase(at + 7, 8);
  }
  return name;
}

}  // namespace

LoadedAdapter load_peft_adapter(HubModel& hub, const std::filesystem::path& folder) {
  LoadedAdapter loaded;
  loaded.config = read_peft_adapter_config(folder);
  const auto file = folder / kAdapterWeights;
  if (!std::filesystem::is_regular_file(file))
    throw IoError(folder.string() + ": no " + kAdapterWeights +
                  " (adapter_model.bin is not read: save it as safetensors)");
  std::map<std::string, torch::Tensor> tensors;
  for (auto& [name, tensor] : read_safetensors(file).tensors) tensors[without_adapter_name(name)] = std::move(tensor);
  const std::string where = file.string() + ": ";
  try {
    loaded.modules = attach_lora(*hub.model, loaded.config.options, loaded.config.targets).modules;
  } catch (const ConfigError& e) {
    throw ConfigError((folder / "adapter_config.json").string() + ": " + e.what());
  } catch (const c10::Error& e) {
    throw ConfigError((folder / "adapter_config.json").string() + ": " + e.what_without_backtrace());
  }
  torch::NoGradGuard no_grad;
  for (const auto& [module, projection] : lora_projections(*hub.model)) {
    if (!projection->has_adapter()) continue;
    for (auto* part : {&projection->lora_A, &projection->lora_B}) {
      const std::string name =
          kPeftPrefix + module + (part == &projection->lora_A ? ".lora_A.weight" : ".lora_B.weight");
      const auto found = tensors.find(name);
      torch::Tensor& weight = (*part)->weight;
      if (found == tensors.end())
        throw DataError(where + "no tensor " + name + " " + shape_text(weight.sizes()) + ", which target_modules " +
                        describe(loaded.config.targets) + " with r = " + std::to_string(loaded.config.options.rank) +
                        " needs");
      if (found->second.sizes() != weight.sizes())
        throw DataError(where + "tensor " + name + " is " + shape_text(found->second.sizes()) +
                        "; r = " + std::to_string(loaded.config.options.rank) + " and the projection make it " +
                        shape_text(weight.sizes()));
      weight.copy_(found->second);
      tensors.erase(found);
    }
  }
  if (!tensors.empty())
    throw DataError(where + "tensor " + tensors.begin()->first + " " + shape_text(tensors.begin()->second.sizes()) +
                    " has no place: target_modules " + describe(loaded.config.targets) + " gives no such adapter in " +
                    to_string(hub.config.architecture));
  return loaded;
}

LoadedAdapter merge_peft_adapter(HubModel& hub, const std::filesystem::path& folder) {
  LoadedAdapter loaded = load_peft_adapter(hub, folder);
  merge_adapters(*hub.model);
  return loaded;
}

void save_peft_adapter(const HubModel& hub, const std::string& base_model, const std::filesystem::path& folder) {
  NamedTensors tensors;
  std::set<std::string> kinds;
  std::optional<LoraOptions> options;
  for (const auto& [module, projection] : lora_projections(*hub.model)) {
    if (!projection->has_adapter()) continue;
    if (!options) options = projection->adapter_options();
    TORCH_CHECK(
        projection->adapter_options().rank == options->rank && projection->adapter_options().alpha == options->alpha,
        "save_peft_adapter: the adapters differ in rank or alpha (", module, ")");
    tensors.emplace_back(kPeftPrefix + module + ".lora_A.weight",
                         projection->lora_A->weight.detach().to(torch::kFloat32));
    tensors.emplace_back(kPeftPrefix + module + ".lora_B.weight",
                         projection->lora_B->weight.detach().to(torch::kFloat32));
    kinds.insert(module.substr(module.rfind('.') + 1));
  }
  if (!options) throw ConfigError("save_peft_adapter: the model has no adapters to save");
  PeftAdapterConfig config;
  config.options = *options;
  config.base_model = base_model;
  std::filesystem::create_directories(folder);
  write_safetensors(folder / kAdapterWeights, tensors, {{"format", "pt"}});
  write_text_atomically(folder / "adapter_config.json",
                        peft_adapter_config_text(config, std::vector<std::string>(kinds.begin(), kinds.end()),
                                                 hub.config.architecture == HubArchitecture::Gpt2));
}

}  // namespace cradle
