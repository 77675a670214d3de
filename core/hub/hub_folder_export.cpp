#include "core/hub/hub_folder_export.h"

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/json_object_reader.h"
#include "core/export/safetensors.h"
#include "core/models/lora.h"

namespace cradle {
namespace {

namespace fs = std::filesystem;

// What a Hub folder holds besides its config and weights that a loader of the model reads.
constexpr const char* kCompanionFiles[] = {"tokenizer.json",
                                           "tokenizer_config.json",
                                           "special_tokens_map.json",
                                           "generation_config.json",
                                           "chat_template.jinja",
                                           "tokenizer.model",
                                           "vocab.json",
                                           "merges.txt",
                                           "added_tokens.json"};

std::string hub_dtype_name(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat32: return "float32";
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    default: throw ConfigError("a Hub folder's weights are float32, float16 or bfloat16");
  }
}

torch::ScalarType folder_stored_type(const std::string& stored) {
  if (stored == "F16") return torch::kFloat16;
  if (stored == "BF16") return torch::kBFloat16;
  return torch::kFloat32;
}

std::string hub_model_card(const std::string& name, const std::string& base_model, const std::string& note,
                           const std::string& dtype, std::int64_t parameters) {
  std::string card = "---\n";
  if (!base_model.empty()) card += "base_model: " + base_model + "\n";
  card += "library_name: transformers\npipeline_tag: text-generation\ntags:\n- cradle\n---\n\n# " + name + "\n\n";
  card += "Written by Cradle (cradle-cli export --format hf)";
  card += base_model.empty() ? ".\n" : " from " + base_model + ".\n";
  if (!note.empty()) card += "\n" + note + "\n";
  card += "\n" + std::to_string(parameters) + " parameters, stored as " + dtype + ".\n\n";
  card += "```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n";
  card += "model = AutoModelForCausalLM.from_pretrained(\"" + name + "\")\n";
  card += "tokenizer = AutoTokenizer.from_pretrained(\"" + name + "\")\n```\n";
  return card;
}

}  // namespace

torch::ScalarType parse_hub_dtype(const std::string& name) {
  if (name == "float32") return torch::kFloat32;
  if (name == "float16") return torch::kFloat16;
  if (name == "bfloat16") return torch::kBFloat16;
  throw ConfigError("dtype \"" + name + "\": a Hub folder's weights are float32, float16 or bfloat16");
}

void check_hub_folder_destination(const fs::path& out) {
  if (fs::exists(out) && !(fs::is_directory(out) && fs::is_empty(out)))
    throw ConfigError(out.string() + " already exists; choose another folder or remove it");
}

HubFolderExportSummary export_hub_folder(const HubModel& hub, const fs::path& out,
                                         const HubFolderExportOptions& options) {
  if (has_adapters(*hub.model))
    throw ConfigError("export " + out.string() + ": the model still carries LoRA adapters; merge them first");
  check_hub_folder_destination(out);
  HubFolderExportSummary summary;
  const torch::ScalarType type = options.dtype.value_or(folder_stored_type(hub.stored_dtype));
  summary.dtype = hub_dtype_name(type);

  Json config;
  try {
    config = Json::parse(read_file(hub.folder / "config.json"));
  } catch (const Json::exception& e) {
    throw ConfigError((hub.folder / "config.json").string() + ": not JSON: " + e.what());
  }
  config["torch_dtype"] = summary.dtype;

  NamedTensors tensors;
  for (const auto& item : hub.model->named_parameters()) {
    tensors.emplace_back(item.key(), item.value().detach().to(type));
    ++summary.tensors;
    summary.parameters += item.value().numel();
    summary.bytes += item.value().numel() * static_cast<std::int64_t>(c10::elementSize(type));
  }

  fs::path absolute = fs::absolute(out).lexically_normal();
  if (absolute.filename().empty()) absolute = absolute.parent_path();
  const fs::path partial = absolute.parent_path() / ("." + absolute.filename().string() + ".partial");
  fs::remove_all(partial);
  fs::create_directories(partial);
  try {
    write_text_atomically(partial / "config.json", config.dump(2) + "\n");
    write_safetensors(partial / "model.safetensors", tensors, {{"format", "pt"}});
    for (const char* name : kCompanionFiles) {
      if (!fs::is_regular_file(hub.folder / name)) continue;
      fs::copy_file(hub.folder / name, partial / name);
      summary.copied_files.push_back(name);
    }
    const std::string base = options.base_model.empty() ? hub.folder.filename().string() : options.base_model;
    write_text_atomically(partial / "README.md", hub_model_card(absolute.filename().string(), base, options.note,
                                                                summary.dtype, summary.parameters));
    if (fs::exists(absolute)) fs::remove(absolute);  // an empty folder, checked above
    fs::rename(partial, absolute);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(partial);
    throw IoError("export " + out.string() + ": " + e.what());
  } catch (...) {
    fs::remove_all(partial);
    throw;
  }
  return summary;
}

}  // namespace cradle
