#pragma once
// A GGUF file read back as a Hugging Face architecture: the files Cradle's
// export writes (core/hub/hub_gguf_export.h), and llama.cpp's converter's of
// the same architectures ("llama" — Llama and Mistral —, "qwen2", "gpt2") in
// F32, F16 or Q8_0. The metadata gives the config, each tensor is found under
// its ggml name, decoded to float32 and put back in the Hub's layout
// (core/hub/gguf_tensor_names.h). The tokenizer is read by
// core/hub/gguf_tokenizer.h.
#include <filesystem>

#include "core/export/gguf_header.h"
#include "core/hub/hub_model.h"

namespace cradle {

// `folder` is the file; stored_dtype the tensors' ggml types ("F16", or
// "mixed"). DataError naming the file and the key or tensor: an architecture
// not listed above, a missing or mistyped metadata key, a missing tensor, a
// shape that disagrees with the metadata, a tensor with no place, a ggml type
// other than F32, F16 and Q8_0; IoError when the file cannot be read.
HubModel load_gguf_model(const std::filesystem::path& file);
HubModel load_gguf_model(const GgufFile& file);

}  // namespace cradle
