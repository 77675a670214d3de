#pragma once
// The weights of a Hugging Face Hub model folder: model.safetensors, or the
// shards model.safetensors.index.json's weight_map names. Tensors stored as
// F32, F16 or BF16 are read as float32.
#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cradle {

struct HubWeights {
  std::map<std::string, torch::Tensor> tensors;  // by the Hub's names, float32
  std::vector<std::filesystem::path> files;      // the safetensors files read
  std::string stored_dtype;                      // "F32", "F16", "BF16", or "mixed"
};

// IoError for a missing file or shard; DataError naming the file and tensor
// for a truncated or malformed file, a dtype that is not a float, or a tensor
// the index names that its shard lacks.
HubWeights load_hub_weights(const std::filesystem::path& folder);

// The safetensors files that hold a folder's weights (model.safetensors, or
// every shard the index names), without reading them; IoError as above.
std::vector<std::filesystem::path> hub_weight_files(const std::filesystem::path& folder);

}  // namespace cradle
