#pragma once
// A Hugging Face model as a GGUF file for llama.cpp and Ollama, as llama.cpp's
// own converter (convert_hf_to_gguf.py) writes it: the architecture's
// metadata keys ("llama" for Llama and Mistral, "qwen2", "gpt2"), tensors
// under ggml's names (token_embd, blk.N.attn_q, ...), the tokenizer
// (core/hub/gguf_vocabulary.h) and the chat template. Two layouts differ
// from the Hub's: the Llama family's q and k rows are permuted from the Hub's
// rotate-half rotary layout to ggml's adjacent pairs (Qwen2 keeps
// rotate-half: llama.cpp runs it in that mode), and GPT-2's Conv1D weights
// are transposed to [out, in]. One-dimensional tensors (norms, biases) stay
// F32, as llama.cpp's converter keeps them; a Q8_0 file stores the matrices
// whose rows are not whole blocks of 32 as F16.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/export/ggml_types.h"
#include "core/hub/hub_model.h"
#include "core/hub/hub_tokenizer.h"

namespace cradle {

struct GgufExportOptions {
  GgmlType type = GgmlType::F16;  // the matrices' type: F32, F16 or Q8_0
  std::string name;               // general.name; the folder's name when empty
};

struct GgufExportSummary {
  std::string architecture;  // general.architecture
  std::int64_t tensors = 0;
  std::map<std::string, std::int64_t> tensors_by_type;  // "F16" → how many
  std::int64_t parameters = 0;
  std::int64_t tensor_bytes = 0;
  std::vector<std::string> end_tokens;  // the texts of the tokens that end a reply, for the Modelfile
};

// Writes `out` atomically. ConfigError for a tokenizer llama.cpp could not
// run (core/hub/gguf_vocabulary.h); IoError naming the file.
GgufExportSummary export_hub_gguf(const HubModel& model, const HubTokenizer& tokenizer,
                                  const GgufExportOptions& options, const std::filesystem::path& out);

// Ollama's Modelfile for the file: FROM it, and a stop parameter for each end
// token (Ollama takes the chat template from the file's metadata).
std::string ollama_modelfile(const std::filesystem::path& gguf_file, const GgufExportSummary& summary);

}  // namespace cradle
