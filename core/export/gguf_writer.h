#pragma once
// Writing a GGUF file (the container of core/export/gguf_header.h): metadata
// in the order set, then tensor infos, then the tensors' bytes, each padded
// to the alignment; and reading a tensor of a parsed file back as float32.
#include <torch/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/export/ggml_types.h"
#include "core/export/gguf_header.h"

namespace cradle {

class GgufWriter {
 public:
  // Keys are written in the order they are first set; setting one again replaces its value.
  void set(const std::string& key, GgufValue value);
  // `values` in PyTorch's shape; encoded as `type` when the file is written.
  void add_tensor(const std::string& name, torch::Tensor values, GgmlType type);
  // Atomically (a full disk leaves whatever `path` held): IoError naming the file.
  void write(const std::filesystem::path& path) const;
  std::int64_t tensor_bytes() const;  // the data section's size, padding included

 private:
  struct PendingTensor {
    std::string name;
    torch::Tensor values;
    GgmlType type;
  };
  std::vector<std::pair<std::string, GgufValue>> metadata_;
  std::vector<PendingTensor> tensors_;
};

// float32 in PyTorch's shape; DataError for a type Cradle does not decode.
torch::Tensor gguf_tensor(const GgufFile& file, const GgufTensorInfo& info);

}  // namespace cradle
