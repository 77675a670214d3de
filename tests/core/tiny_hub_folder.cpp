#include "tests/core/tiny_hub_folder.h"

#include <QProcess>
#include <QStringList>

#include <stdexcept>

#include "core/common/file_io.h"
#include "core/hub/hub_config.h"
#include "core/hub/tokenizer/byte_level_alphabet.h"
#include "core/models/gpt2.h"
#include "core/models/llama.h"

namespace cradle::test {
namespace fs = std::filesystem;

extern const char* const kTinyChatMl;
const char* const kTinyChatMl =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

Json tiny_config(const std::string& architecture, const std::string& model_type) {
  return {{"architectures", {architecture}},
          {"model_type", model_type},
          {"vocab_size", 96},
          {"hidden_size", 32},
          {"intermediate_size", 64},
          {"num_hidden_layers", 2},
          {"num_attention_heads", 4},
          {"num_key_value_heads", 2},
          {"max_position_embeddings", 128},
          {"rms_norm_eps", 1e-5},
          {"rope_theta", 10000.0},
          {"hidden_act", "silu"},
          {"tie_word_embeddings", false},
          {"torch_dtype", "float32"},
          {"bos_token_id", 1},
          {"eos_token_id", 2}};
}

Json tiny_gpt2_config() {
  return {{"architectures", {"GPT2LMHeadModel"}},
          {"model_type", "gpt2"},
          {"vocab_size", 96},
          {"n_embd", 32},
          {"n_layer", 2},
          {"n_head", 4},
          {"n_inner", nullptr},
          {"n_positions", 128},
          {"n_ctx", 128},
          {"activation_function", "gelu_new"},
          {"layer_norm_epsilon", 1e-5},
          {"attn_pdrop", 0.1},
          {"resid_pdrop", 0.1},
          {"scale_attn_weights", true},
          {"bos_token_id", 95},
          {"eos_token_id", 95}};
}

NamedTensors random_weights(const Json& config, std::uint64_t seed) {
  torch::manual_seed(seed);
  const HubModelConfig parsed = parse_hub_config(config, "config.json");
  std::shared_ptr<CausalLanguageModelImpl> model;
  if (parsed.architecture == HubArchitecture::Gpt2)
    model = Gpt2LMHeadModel(parsed).ptr();
  else
    model = LlamaForCausalLM(parsed).ptr();
  NamedTensors tensors;
  for (const auto& item : model->named_parameters()) {
    const bool norm = item.key().find("norm") != std::string::npos || item.key().find(".ln_") != std::string::npos;
    const auto shape = item.value().sizes();
    tensors.emplace_back(item.key(), norm ? 1 + 0.1 * torch::randn(shape) : 0.2 * torch::randn(shape));
  }
  return tensors;
}

void write_folder(const fs::path& folder, const Json& config, const NamedTensors& tensors, bool sharded,
                  torch::ScalarType dtype) {
  fs::create_directories(folder);
  write_text_atomically(folder / "config.json", config.dump(2));
  NamedTensors stored;
  for (const auto& [name, tensor] : tensors) stored.emplace_back(name, tensor.to(dtype));
  if (!sharded) {
    write_safetensors(folder / "model.safetensors", stored, {{"format", "pt"}});
    return;
  }
  NamedTensors first(stored.begin(), stored.begin() + static_cast<std::ptrdiff_t>(stored.size() / 2));
  NamedTensors second(stored.begin() + static_cast<std::ptrdiff_t>(stored.size() / 2), stored.end());
  const char* names[] = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
  write_safetensors(folder / names[0], first, {{"format", "pt"}});
  write_safetensors(folder / names[1], second, {{"format", "pt"}});
  Json map = Json::object();
  for (const auto& [name, tensor] : first) map[name] = names[0];
  for (const auto& [name, tensor] : second) map[name] = names[1];
  write_text_atomically(folder / "model.safetensors.index.json",
                        Json{{"metadata", {{"total_size", 0}}}, {"weight_map", map}}.dump(2));
}

ReferenceOutput run_reference_script(const std::string& script, const std::vector<std::string>& arguments) {
  QStringList line = {QString::fromStdString(std::string(CRADLE_SOURCE_DIR) + "/tests/reference/" + script)};
  for (const auto& argument : arguments) line << QString::fromStdString(argument);
  QProcess python;
  python.start("/usr/bin/python3", line);
  if (!python.waitForFinished(120000) || python.exitCode() != 0)
    throw std::runtime_error(script + " failed: " + python.readAllStandardError().toStdString());
  const Json out = Json::parse(python.readAllStandardOutput().toStdString());
  std::vector<float> flat;
  for (const auto& row : out["logits"])
    for (const auto& value : row) flat.push_back(value.get<float>());
  ReferenceOutput r;
  r.logits = torch::tensor(flat).view({static_cast<std::int64_t>(out["logits"].size()), -1});
  if (out.contains("greedy")) r.greedy = out["greedy"].get<std::vector<std::int64_t>>();  // the GGUF runner has none
  return r;
}

std::string comma_joined(const std::vector<std::int64_t>& ids) {
  std::string text;
  for (const auto id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text;
}

Json tiny_added_token(std::int64_t id, const std::string& content, bool special) {
  return {{"id", id},        {"content", content},     {"single_word", false}, {"lstrip", false},
          {"rstrip", false}, {"normalized", !special}, {"special", special}};
}

Json tiny_byte_level_tokenizer(const Json& pre_tokenizer) {
  Json vocab = Json::object();
  for (int b = 0; b < 256; ++b) vocab[to_byte_level(std::string(1, static_cast<char>(b)))] = b;
  vocab["\xC4\xA0t"] = 256;
  vocab["he"] = 257;
  vocab["\xC4\xA0the"] = 258;
  return {{"version", "1.0"},
          {"added_tokens",
           {tiny_added_token(300, "<|endoftext|>", true), tiny_added_token(301, "<|im_start|>", true),
            tiny_added_token(302, "<|im_end|>", true), tiny_added_token(303, "<tool>", false)}},
          {"normalizer", nullptr},
          {"pre_tokenizer", pre_tokenizer},
          {"post_processor", nullptr},
          {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"continuing_subword_prefix", ""},
            {"end_of_word_suffix", ""},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"vocab", vocab},
            {"merges", {"\xC4\xA0 t", "h e", "\xC4\xA0t he"}}}}};
}

Json tiny_byte_level(bool use_regex) {
  return {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", use_regex}};
}

void write_tiny_chat_model_folder(const std::filesystem::path& folder, const std::string& chat_template) {
  Json config = tiny_config("LlamaForCausalLM", "llama");
  config["vocab_size"] = 320;
  config["eos_token_id"] = kTinyImEnd;
  write_folder(folder, config, random_weights(config, 7), false);
  write_text_atomically(folder / "tokenizer.json", tiny_byte_level_tokenizer(tiny_byte_level(true)).dump());
  Json tokenizer_config = {{"bos_token", nullptr}, {"eos_token", "<|im_end|>"}};
  if (!chat_template.empty()) tokenizer_config["chat_template"] = chat_template;
  write_text_atomically(folder / "tokenizer_config.json", tokenizer_config.dump());
}

}  // namespace cradle::test
