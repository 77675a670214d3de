#include "core/hub/hub_checkpoint.h"

#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/export/safetensors.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// The shard of each tensor, from the index; the shards in order of first mention.
std::map<std::string, std::string> read_weight_map(const fs::path& index_file) {
  const Json index = parse_json_text(read_file(index_file), index_file.string());
  const auto map = index.find("weight_map");
  if (!index.is_object() || map == index.end() || !map->is_object() || map->empty())
    throw DataError(index_file.string() + ": weight_map: expected an object naming each tensor's shard");
  std::map<std::string, std::string> shards;
  for (const auto& [name, file] : map->items()) {
    if (!file.is_string() || file.get<std::string>().find('/') != std::string::npos)
      throw DataError(index_file.string() + ": weight_map." + name + ": expected a file name in the folder");
    shards[name] = file.get<std::string>();
  }
  return shards;
}

void add_tensors(const fs::path& file, HubWeights& weights, std::set<std::string>& dtypes) {
  if (!fs::is_regular_file(file)) throw IoError(file.string() + ": no such file");
  SafetensorsFile read = read_safetensors(file);
  for (auto& [name, tensor] : read.tensors) {
    const auto type = tensor.scalar_type();
    if (type != torch::kFloat32 && type != torch::kFloat16 && type != torch::kBFloat16)
      throw DataError(file.string() + ": tensor " + name + " is " + std::string(c10::toString(type)) +
                      "; model weights are F32, F16 or BF16");
    dtypes.insert(type == torch::kFloat32 ? "F32" : type == torch::kFloat16 ? "F16" : "BF16");
    if (!weights.tensors.emplace(name, tensor.to(torch::kFloat32)).second)
      throw DataError(file.string() + ": tensor " + name + " is in more than one file");
  }
  weights.files.push_back(file);
}

}  // namespace

std::vector<fs::path> hub_weight_files(const fs::path& folder) {
  const fs::path single = folder / "model.safetensors", index = folder / "model.safetensors.index.json";
  if (!fs::is_regular_file(index)) {
    if (!fs::is_regular_file(single))
      throw IoError(folder.string() + ": no model.safetensors or model.safetensors.index.json");
    return {single};
  }
  std::set<std::string> names;
  for (const auto& [tensor, file] : read_weight_map(index)) names.insert(file);
  std::vector<fs::path> files;
  for (const auto& name : names) {
    if (!fs::is_regular_file(folder / name))
      throw IoError((folder / name).string() + ": a shard " + index.filename().string() + " names is missing");
    files.push_back(folder / name);
  }
  return files;
}

HubWeights load_hub_weights(const fs::path& folder) {
  HubWeights weights;
  std::set<std::string> dtypes;
  const fs::path single = folder / "model.safetensors", index = folder / "model.safetensors.index.json";
  if (fs::is_regular_file(index)) {
    const auto shards = read_weight_map(index);
    std::set<std::string> files;
    for (const auto& [name, file] : shards) files.insert(file);
    for (const auto& file : files) {
      if (!fs::is_regular_file(folder / file))
        throw IoError((folder / file).string() + ": a shard " + index.filename().string() + " names is missing");
      add_tensors(folder / file, weights, dtypes);
    }
    for (const auto& [name, file] : shards)
      if (!weights.tensors.count(name))
        throw DataError((folder / file).string() + ": lacks tensor " + name + ", which " + index.filename().string() +
                        " places there");
  } else if (fs::is_regular_file(single)) {
    add_tensors(single, weights, dtypes);
  } else {
    throw IoError(folder.string() +
                  ": no model.safetensors or model.safetensors.index.json (weights in "
                  "PyTorch's .bin files are not read: save them as safetensors)");
  }
  weights.stored_dtype = dtypes.size() == 1 ? *dtypes.begin() : "mixed";
  return weights;
}

}  // namespace cradle
