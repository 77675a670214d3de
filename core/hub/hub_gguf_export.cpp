#include "core/hub/hub_gguf_export.h"

#include <torch/torch.h>

#include <optional>
#include <utility>

#include "core/common/error.h"
#include "core/export/gguf_writer.h"
#include "core/hub/gguf_tensor_names.h"
#include "core/hub/gguf_vocabulary.h"
#include "core/hub/hub_end_tokens.h"
#include "core/models/llama.h"

namespace cradle {
namespace {

std::string architecture_name(HubArchitecture architecture) {
  switch (architecture) {
    case HubArchitecture::Llama:
    case HubArchitecture::Mistral: return "llama";
    case HubArchitecture::Qwen2: return "qwen2";
    case HubArchitecture::Gpt2: return "gpt2";
  }
  return "";
}

std::uint32_t file_type(GgmlType type) {  // llama_ftype: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q8_0 7
  switch (type) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return 1;
    case GgmlType::Q8_0: return 7;
  }
  return 0;
}

void add_architecture_keys(GgufWriter& w, const HubModelConfig& c, const std::string& arch) {
  const auto u32 = [&](const std::string& key, std::int64_t v) {
    w.set(arch + "." + key, GgufValue::u32(static_cast<std::uint32_t>(v)));
  };
  u32("context_length", c.max_position_embeddings);
  u32("embedding_length", c.hidden_size);
  u32("block_count", c.num_hidden_layers);
  u32("feed_forward_length", c.intermediate_size);
  u32("attention.head_count", c.num_attention_heads);
  u32("vocab_size", c.vocab_size);
  if (c.architecture == HubArchitecture::Gpt2) {
    w.set(arch + ".attention.layer_norm_epsilon", GgufValue::f32(static_cast<float>(c.layer_norm_epsilon)));
    return;
  }
  u32("attention.head_count_kv", c.num_key_value_heads);
  u32("rope.dimension_count", c.head_dim);
  if (c.head_dim * c.num_attention_heads != c.hidden_size) {
    u32("attention.key_length", c.head_dim);
    u32("attention.value_length", c.head_dim);
  }
  w.set(arch + ".attention.layer_norm_rms_epsilon", GgufValue::f32(static_cast<float>(c.rms_norm_eps)));
  w.set(arch + ".rope.freq_base", GgufValue::f32(static_cast<float>(c.rope_theta)));
}

// Llama 3's rope scaling as llama.cpp reads it: per frequency, what ggml divides it by.
torch::Tensor llama3_rope_factors(const HubModelConfig& c) {
  HubModelConfig unscaled = c;
  unscaled.rope_scaling.reset();
  unscaled.rope_frequency_divisors.clear();
  return rotary_inverse_frequencies(unscaled) / rotary_inverse_frequencies(c);
}

}  // namespace

GgufExportSummary export_hub_gguf(const HubModel& hub, const HubTokenizer& tokenizer, const GgufExportOptions& options,
                                  const std::filesystem::path& out) {
  const HubModelConfig& c = hub.config;
  check_tokenizer_fits(tokenizer, c.vocab_size, hub.folder);
  GgufExportSummary summary;
  summary.architecture = architecture_name(c.architecture);
  GgufWriter writer;
  writer.set("general.architecture", GgufValue::string(summary.architecture));
  writer.set("general.name", GgufValue::string(options.name.empty() ? hub.folder.filename().string() : options.name));
  writer.set("general.file_type", GgufValue::u32(file_type(options.type)));
  writer.set("general.quantization_version", GgufValue::u32(2));
  add_architecture_keys(writer, c, summary.architecture);
  add_gguf_vocabulary(writer, tokenizer, c.vocab_size);

  const auto add = [&](const std::string& name, torch::Tensor values) {
    GgmlType type = options.type;
    if (values.dim() == 1 || !ggml_type_fits(type, values.size(-1)))
      type = values.dim() == 1 ? GgmlType::F32 : GgmlType::F16;
    summary.parameters += values.numel();
    ++summary.tensors;
    ++summary.tensors_by_type[to_string(type)];
    writer.add_tensor(name, std::move(values), type);
  };
  torch::NoGradGuard no_grad;
  if (c.rope_scaling || !c.rope_frequency_divisors.empty()) add("rope_freqs.weight", llama3_rope_factors(c));
  for (const auto& item : hub.model->named_parameters()) {
    const std::string name = ggml_tensor_name(c.architecture, item.key());
    add(name, to_ggml_layout(c, item.key(), item.value().detach()));
    // llama.cpp's converter gives GPT-2 an output matrix even when it is the embedding's.
    if (c.architecture == HubArchitecture::Gpt2 && c.tie_word_embeddings && name == "token_embd.weight")
      add("output.weight", item.value().detach());
  }
  writer.write(out);
  summary.tensor_bytes = writer.tensor_bytes();
  for (const auto id : hub_end_of_text_ids(hub.folder, c, tokenizer))
    summary.end_tokens.push_back(tokenizer.token_text(id));
  return summary;
}

std::string ollama_modelfile(const std::filesystem::path& gguf_file, const GgufExportSummary& summary) {
  std::string text = "# Ollama: ollama create NAME -f " + gguf_file.stem().string() +
                     ".Modelfile (the chat template comes from the GGUF file's tokenizer.chat_template)\n";
  text += "FROM ./" + gguf_file.filename().string() + "\n";
  for (const auto& token : summary.end_tokens) text += "PARAMETER stop " + nlohmann::json(token).dump() + "\n";
  return text;
}

}  // namespace cradle
