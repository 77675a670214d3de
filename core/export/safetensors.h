#pragma once
// The safetensors format (Hugging Face's): an 8-byte little-endian header
// length N, N bytes of JSON — per tensor {"dtype", "shape", "data_offsets":
// [begin, end]} relative to the data, plus an optional "__metadata__" object
// of strings — padded with spaces to a multiple of 8, then the tensors' bytes,
// little-endian, row-major, in offset order. Python loads it with one call:
// safetensors.torch.load_file("model.safetensors").
#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cradle {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Writes the tensors (any of F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL;
// moved to the CPU and made contiguous) atomically.
void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata = {});

struct SafetensorsFile {
  NamedTensors tensors;  // in the header's key order
  std::map<std::string, std::string> metadata;
};

// Reads a file; DataError naming the file and what is wrong (a header length
// past the end, malformed JSON, an unknown dtype, offsets that overlap, leave
// gaps or run past the end, a shape that does not match its bytes). The file
// is mapped (core/common/mapped_file.h) and each tensor is a view of its
// bytes, so a checkpoint of several GB is not copied into memory to be read;
// the mapping goes when the last tensor over it does.
SafetensorsFile read_safetensors(const std::filesystem::path& path);
SafetensorsFile parse_safetensors(const std::string& bytes, const std::string& origin);

}  // namespace cradle
