// GGUF export of Hugging Face model folders (core/hub/hub_gguf_export.h):
// tiny checkpoints of each architecture written to GGUF in F32, F16 and Q8_0
// and checked against two readers nobody here wrote the format for: the
// Hub's JavaScript parser (@huggingface/gguf: header, metadata types, every
// tensor's name, type, shape and offset) and tests/reference/gguf_reference.py,
// which reads the file by the published layout and runs it the way llama.cpp's
// graphs do (rotary positions on adjacent pairs for "llama", on halves for
// "qwen2", a fused attn_qkv for "gpt2"): its logits must be the Hugging Face
// model's, which only holds when every tensor is in ggml's layout and order.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/export/ggml_tensor_codec.h"
#include "core/export/gguf_writer.h"
#include "core/hub/hub_gguf_export.h"
#include "core/hub/hub_gguf_import.h"
#include "core/hub/hub_model.h"
#include "core/hub/tokenizer/byte_level_alphabet.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/npm_verifiers.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::int64_t kVocabulary = 320;      // 256 bytes and a few merges, and added tokens
const char* const kBoundary = "\xE2\x96\x81";  // ▁
json llama3_pre_tokenizer() {
  return {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"},
         {"pattern",
          {{"Regex",
            R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)"}}},
         {"behavior", "Isolated"},
         {"invert", false}},
        tiny_byte_level(false)}}};
}

// Llama 2's layout: <unk> <s> </s>, the 256 byte tokens <0xNN>, ▁ and a..z, merges ▁t, he, ▁the.
json sentencepiece_tokenizer() {
  json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    vocab[name] = 3 + b;
  }
  vocab[kBoundary] = 259;
  for (char c = 'a'; c <= 'z'; ++c) vocab[std::string(1, c)] = 260 + (c - 'a');
  vocab[std::string(kBoundary) + "t"] = 286;
  vocab["he"] = 287;
  vocab[std::string(kBoundary) + "the"] = 288;
  return {{"version", "1.0"},
          {"added_tokens",
           {tiny_added_token(0, "<unk>", true), tiny_added_token(1, "<s>", true), tiny_added_token(2, "</s>", true)}},
          {"normalizer",
           {{"type", "Sequence"},
            {"normalizers",
             {{{"type", "Prepend"}, {"prepend", kBoundary}},
              {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", kBoundary}}}}}},
          {"pre_tokenizer", nullptr},
          {"post_processor",
           {{"type", "TemplateProcessing"},
            {"single",
             {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
            {"pair", json::array()},
            {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
          {"decoder",
           {{"type", "Sequence"},
            {"decoders",
             {{{"type", "Replace"}, {"pattern", {{"String", kBoundary}}}, {"content", " "}},
              {{"type", "ByteFallback"}},
              {{"type", "Fuse"}},
              {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", "<unk>"},
            {"continuing_subword_prefix", nullptr},
            {"end_of_word_suffix", nullptr},
            {"fuse_unk", true},
            {"byte_fallback", true},
            {"vocab", vocab},
            {"merges", {std::string(kBoundary) + " t", "h e", std::string(kBoundary) + "t he"}}}}};
}

struct ExportCase {
  Json config;
  json tokenizer, tokenizer_config;
  std::string architecture;  // general.architecture
};

ExportCase export_case(const std::string& name) {
  ExportCase c;
  const json chat_ml_config = {{"bos_token", nullptr}, {"eos_token", "<|im_end|>"}, {"chat_template", kTinyChatMl}};
  if (name == "Llama") {
    c.config = tiny_config("LlamaForCausalLM", "llama");
    c.tokenizer = sentencepiece_tokenizer();
    c.tokenizer_config = {{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}};
    c.architecture = "llama";
  } else if (name == "Llama 3") {
    c.config = tiny_config("LlamaForCausalLM", "llama");
    c.config["tie_word_embeddings"] = true;
    c.config["rope_theta"] = 500000.0;
    c.config["max_position_embeddings"] = 256;
    c.config["rope_scaling"] = {{"rope_type", "llama3"},
                                {"factor", 8.0},
                                {"low_freq_factor", 1.0},
                                {"high_freq_factor", 4.0},
                                {"original_max_position_embeddings", 16}};
    c.tokenizer = tiny_byte_level_tokenizer(llama3_pre_tokenizer());
    c.tokenizer_config = chat_ml_config;
    c.architecture = "llama";
  } else if (name == "Mistral") {
    c.config = tiny_config("MistralForCausalLM", "mistral");
    c.config["sliding_window"] = nullptr;
    c.tokenizer = sentencepiece_tokenizer();
    c.tokenizer_config = {{"bos_token", "<s>"}, {"eos_token", "</s>"}};
    c.architecture = "llama";
  } else if (name == "Qwen2") {
    c.config = tiny_config("Qwen2ForCausalLM", "qwen2");
    c.config["tie_word_embeddings"] = true;
    c.tokenizer = tiny_byte_level_tokenizer(tiny_byte_level(true));
    c.tokenizer_config = chat_ml_config;
    c.architecture = "qwen2";
  } else {  // GPT-2, its output tied to the embedding
    c.config = tiny_gpt2_config();
    c.config["bos_token_id"] = 300;
    c.config["eos_token_id"] = 300;
    c.tokenizer = tiny_byte_level_tokenizer(tiny_byte_level(true));
    c.tokenizer_config = {{"bos_token", "<|endoftext|>"}, {"eos_token", "<|endoftext|>"}};
    c.architecture = "gpt2";
  }
  c.config["vocab_size"] = kVocabulary;
  return c;
}

void write_case(const fs::path& folder, const ExportCase& c, std::uint64_t seed) {
  write_folder(folder, c.config, random_weights(c.config, seed), false);
  write_text_atomically(folder / "tokenizer.json", c.tokenizer.dump());
  write_text_atomically(folder / "tokenizer_config.json", c.tokenizer_config.dump());
}

struct PythonRun {
  json metadata, tensors;
  torch::Tensor logits;
};

PythonRun python_reference(const fs::path& file, const std::vector<std::int64_t>& ids) {
  QString joined;
  for (const auto id : ids) joined += (joined.isEmpty() ? "" : ",") + QString::number(id);
  QProcess python;
  python.start("/usr/bin/python3",
               {CRADLE_SOURCE_DIR "/tests/reference/gguf_reference.py", QString::fromStdString(file.string()), joined});
  if (!python.waitForFinished(120000) || python.exitCode() != 0)
    throw std::runtime_error("the Python reference failed: " + python.readAllStandardError().toStdString());
  const json out = json::parse(python.readAllStandardOutput().toStdString());
  std::vector<float> flat;
  for (const auto& row : out["logits"])
    for (const auto& value : row) flat.push_back(value.get<float>());
  return {out["metadata"], out["tensors"], torch::tensor(flat).view({static_cast<std::int64_t>(ids.size()), -1})};
}

json javascript_reference(const fs::path& file) {
  return json::parse(
      run_node_reference("gguf_reference.mjs", "@huggingface/gguf", {QString::fromStdString(file.string())}));
}

// The ggml type each tensor should have: norms and biases F32, matrices `type`
// (F16 where Q8_0's blocks do not fit a row).
std::uint32_t expected_type(const std::vector<std::int64_t>& dims, GgmlType type) {
  if (dims.size() == 1) return static_cast<std::uint32_t>(GgmlType::F32);
  if (!ggml_type_fits(type, dims[0])) return static_cast<std::uint32_t>(GgmlType::F16);
  return static_cast<std::uint32_t>(type);
}

// The Hub model with each matrix rounded as the file stores it (in ggml's
// layout: GPT-2's Conv1D weights transposed; the row permutation of q and k
// does not change which values share a Q8_0 block). The reference reads the
// file with its own decoder; if both decoders agree on these values, the
// logits agree to float32's rounding.
void round_as_stored(CausalLanguageModelImpl& model, GgmlType type) {
  torch::NoGradGuard no_grad;
  const bool gpt2 = model.config().architecture == HubArchitecture::Gpt2;
  for (auto& item : model.named_parameters()) {
    auto& p = item.value();
    if (p.dim() != 2) continue;
    const std::string& name = item.key();
    const bool conv1d = gpt2 && name.find(".h.") != std::string::npos;
    const auto stored = conv1d ? p.t().contiguous() : p.contiguous();
    const GgmlType as = ggml_type_fits(type, stored.size(1)) ? type : GgmlType::F16;
    const auto back = decode_ggml_tensor(encode_ggml_tensor(stored, as), as, stored.sizes().vec());
    p.copy_(conv1d ? back.t() : back);
  }
}

}  // namespace

class GgufExportTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void filesRunAsTheHubModelDoes_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("type");
    for (const char* name : {"Llama", "Llama 3", "Mistral", "Qwen2", "GPT-2"})
      for (const char* type : {"f32", "f16", "q8_0"})
        QTest::newRow((std::string(name) + " " + type).c_str()) << name << type;
  }

  // Both readers parse the file; the reference's logits are the Hub model's.
  void filesRunAsTheHubModelDoes() {
    QFETCH(QString, name);
    QFETCH(QString, type);
    const ExportCase c = export_case(name.toStdString());
    const fs::path folder = fs::path(dir_.path().toStdString()) / name.toStdString();
    if (!fs::exists(folder / "config.json")) write_case(folder, c, 5);
    const HubModel hub = load_hub_model(folder);
    const auto tokenizer = HubTokenizer::load(folder);
    GgufExportOptions options;
    options.type = parse_ggml_type(type.toStdString());
    const fs::path file = folder / ("model-" + type.toStdString() + ".gguf");
    const GgufExportSummary summary = export_hub_gguf(hub, *tokenizer, options, file);
    QCOMPARE(summary.architecture, c.architecture);

    const std::vector<std::int64_t> ids = {1, 17, 42, 5, 88, 23, 9, 64, 31, 2, 77, 50, 290, 301};
    round_as_stored(*hub.model, options.type);
    torch::Tensor expected;
    {
      torch::NoGradGuard no_grad;
      expected = hub.model->forward(torch::tensor(ids).unsqueeze(0))[0];
    }
    const PythonRun python = python_reference(file, ids);
    const double difference = (python.logits - expected).abs().max().item<double>();
    qInfo("%s %s: max |logit difference| %.2e (logits' spread %.2f)", qPrintable(name), qPrintable(type), difference,
          expected.std().item<double>());
    // A tensor in the wrong layout or place moves logits by about their spread.
    QVERIFY2(difference <= 1e-4, qPrintable(QString("max |logit difference| %1").arg(difference)));

    // Cradle reads the file back (config from the metadata, tensors in the
    // Hub's layout, Llama 3's scaling from rope_freqs) with the same logits.
    {
      const HubModel back = load_gguf_model(file);
      if (c.architecture != "gpt2")  // GPT-2's file holds its output matrix even when tied: read back untied
        QCOMPARE(back.config.parameters(), hub.config.parameters());
      QCOMPARE(back.config.tie_word_embeddings || c.architecture == "gpt2", hub.config.tie_word_embeddings);
      QCOMPARE(back.config.rope_frequency_divisors.empty(), name != "Llama 3");
      torch::NoGradGuard no_grad;
      const auto logits = back.model->forward(torch::tensor(ids).unsqueeze(0))[0];
      const double read_back = (logits - expected).abs().max().item<double>();
      QVERIFY2(read_back <= 1e-4, qPrintable(QString("read back: max |logit difference| %1").arg(read_back)));
      QVERIFY((logits - python.logits).abs().max().item<double>() <= 1e-4);
    }

    const json js = javascript_reference(file);
    const json& meta = js["metadata"];
    QCOMPARE(meta["version"]["value"].get<int>(), 3);
    QCOMPARE(meta["general.architecture"]["value"].get<std::string>(), c.architecture);
    const std::string arch = c.architecture;
    QCOMPARE(meta[arch + ".block_count"]["type"].get<int>(), 4);  // UINT32, as gguf-py writes the sizes
    QCOMPARE(meta[arch + ".block_count"]["value"].get<int>(), 2);
    QCOMPARE(meta[arch + ".embedding_length"]["value"].get<int>(), 32);
    QCOMPARE(meta["tokenizer.ggml.tokens"]["length"].get<std::int64_t>(), kVocabulary);  // one per embedding row
    QCOMPARE(meta["tokenizer.ggml.tokens"]["last"].get<std::string>(), "[PAD319]");
    QCOMPARE(meta["general.file_type"]["value"].get<int>(), type == "f32" ? 0 : (type == "f16" ? 1 : 7));
    // Every tensor: the same name, shape, type and offset in both readers, and the one intended.
    QCOMPARE(js["tensors"].size(), python.tensors.size());
    std::int64_t parameters = 0;
    for (std::size_t i = 0; i < python.tensors.size(); ++i) {
      const json& a = js["tensors"][i];
      const json& b = python.tensors[i];
      QCOMPARE(a["name"].dump(), b["name"].dump());
      QCOMPARE(a["shape"].dump(), b["dims"].dump());
      QCOMPARE(a["dtype"].dump(), b["type"].dump());
      QCOMPARE(a["offset"].dump(), b["offset"].dump());
      const auto dims = a["shape"].get<std::vector<std::int64_t>>();
      QCOMPARE(a["dtype"].get<std::uint32_t>(), expected_type(dims, options.type));
      QCOMPARE(a["offset"].get<std::int64_t>() % 32, std::int64_t{0});
      std::int64_t count = 1;
      for (auto d : dims) count *= d;
      parameters += count;
    }
    QCOMPARE(js["parameterCount"].get<std::int64_t>(), parameters);
    QCOMPARE(summary.parameters, parameters);
  }

  // The tokenizer as llama.cpp reads it: model, pre-tokenizer, token types,
  // merge scores, special ids, the chat template; padding rows unused.
  void vocabularyIsWhatLlamaCppReads() {
    const fs::path base = fs::path(dir_.path().toStdString());
    for (const char* name : {"Llama", "Llama 3", "Qwen2", "GPT-2"}) {
      const fs::path file = base / name / "model-f32.gguf";
      QVERIFY2(fs::exists(file), name);
      const json m = python_reference(file, {1}).metadata;
      const bool sentencepiece = std::string(name) == "Llama";
      QCOMPARE(m["tokenizer.ggml.model"].get<std::string>(), sentencepiece ? "llama" : "gpt2");
      const auto tokens = m["tokenizer.ggml.tokens"].get<std::vector<std::string>>();
      const auto types = m["tokenizer.ggml.token_type"].get<std::vector<int>>();
      QCOMPARE(static_cast<std::int64_t>(tokens.size()), kVocabulary);
      QCOMPARE(types[299], 5);  // no token has id 299: unused padding
      QCOMPARE(tokens[299], std::string("[PAD299]"));
      if (sentencepiece) {
        QCOMPARE(tokens[3 + 0x0A], std::string("<0x0A>"));
        QCOMPARE(types[3 + 0x0A], 6);  // byte
        QCOMPARE(types[0], 2);         // unknown
        QCOMPARE(types[1], 3);         // control
        QCOMPARE(types[260], 1);       // normal
        const auto scores = m["tokenizer.ggml.scores"].get<std::vector<float>>();
        // llama.cpp merges the highest score first: ▁t (rank 0), he (1), ▁the (2), then nothing merged.
        QVERIFY(scores[286] > scores[287] && scores[287] > scores[288] && scores[288] > scores[260]);
        QCOMPARE(m["tokenizer.ggml.add_bos_token"].get<bool>(), true);
        QCOMPARE(m["tokenizer.ggml.add_space_prefix"].get<bool>(), true);
        QCOMPARE(m["tokenizer.ggml.bos_token_id"].get<int>(), 1);
        QCOMPARE(m["tokenizer.ggml.eos_token_id"].get<int>(), 2);
        QVERIFY(!m.contains("tokenizer.chat_template"));
      } else {
        const std::string pre = std::string(name) == "Llama 3" ? "llama-bpe" : "gpt2";
        QCOMPARE(m["tokenizer.ggml.pre"].get<std::string>(), pre);
        QCOMPARE(m["tokenizer.ggml.merges"].get<std::vector<std::string>>(),
                 (std::vector<std::string>{"\xC4\xA0 t", "h e", "\xC4\xA0t he"}));
        QCOMPARE(tokens[65], std::string("A"));
        QCOMPARE(tokens[32], std::string("\xC4\xA0"));  // a space is Ġ in the byte alphabet
        QCOMPARE(tokens[256], std::string("\xC4\xA0t"));
        QCOMPARE(tokens[301], std::string("<|im_start|>"));
        QCOMPARE(types[301], 3);  // special added token: control
        QCOMPARE(types[303], 4);  // added, not special: user-defined
        QCOMPARE(m["tokenizer.ggml.add_bos_token"].get<bool>(), false);
        if (std::string(name) != "GPT-2") {
          QCOMPARE(m["tokenizer.chat_template"].get<std::string>(), std::string(kTinyChatMl));
          QCOMPARE(m["tokenizer.ggml.eos_token_id"].get<int>(), 302);
        }
      }
    }
  }

  // Cradle's own reader gives back what was written: F32 exactly, Q8_0 within half a step of its block.
  void cradleReadsItsFilesBack() {
    const fs::path base = fs::path(dir_.path().toStdString());
    const HubModel hub = load_hub_model(base / "Qwen2");
    for (const char* type : {"f32", "q8_0"}) {
      const GgufFile file = read_gguf(base / "Qwen2" / (std::string("model-") + type + ".gguf"));
      const auto* info = file.find_tensor("blk.1.ffn_up.weight");
      QVERIFY(info);
      const auto original = hub.model->named_parameters()["model.layers.1.mlp.up_proj.weight"].detach();
      const auto read = gguf_tensor(file, *info);
      QCOMPARE(read.sizes(), original.sizes());
      const double step = original.abs().max().item<double>() / 127;
      const double difference = (read - original).abs().max().item<double>();
      QVERIFY2(std::string(type) == "f32" ? difference == 0 : difference <= 0.5 * step + 1e-3 * step,
               qPrintable(QString("%1: %2").arg(type).arg(difference)));
    }
  }

  // A file Cradle cannot read back as a model is refused naming the file and what is wrong.
  void readingBackRefusesByName() {
    const fs::path base = fs::path(dir_.path().toStdString());
    const auto refusal = [](const fs::path& file) -> std::string {
      try {
        load_gguf_model(file);
      } catch (const DataError& error) {
        return error.what();
      }
      return "read";
    };
    GgufWriter falcon;
    falcon.set("general.architecture", GgufValue::string("falcon"));
    falcon.add_tensor("token_embd.weight", torch::zeros({8, 4}), GgmlType::F32);
    falcon.write(base / "falcon.gguf");
    QVERIFY2(refusal(base / "falcon.gguf").find("general.architecture \"falcon\" is not one Cradle reads back") !=
                 std::string::npos,
             refusal(base / "falcon.gguf").c_str());
    GgufWriter partial;
    partial.set("general.architecture", GgufValue::string("llama"));
    for (const char* key : {"llama.embedding_length", "llama.feed_forward_length"}) partial.set(key, GgufValue::u32(4));
    partial.set("llama.block_count", GgufValue::u32(1));
    partial.set("llama.attention.head_count", GgufValue::u32(2));
    partial.set("llama.context_length", GgufValue::u32(16));
    partial.set("llama.attention.layer_norm_rms_epsilon", GgufValue::f32(1e-6f));
    partial.add_tensor("token_embd.weight", torch::zeros({8, 4}), GgmlType::F32);
    partial.write(base / "partial.gguf");
    QVERIFY2(refusal(base / "partial.gguf")
                     .find("partial.gguf: the metadata describes a model of at least 144 values; the file's tensors "
                           "hold 32") != std::string::npos,
             refusal(base / "partial.gguf").c_str());
    partial.add_tensor("output_norm.weight", torch::zeros({200}), GgmlType::F32);
    partial.write(base / "partial.gguf");
    QVERIFY2(
        refusal(base / "partial.gguf")
                .find("partial.gguf: no tensor blk.0.attn_norm.weight [4] (model.layers.0.input_layernorm.weight)") !=
            std::string::npos,
        refusal(base / "partial.gguf").c_str());
    partial.add_tensor("blk.0.attn_norm.weight", torch::ones({5}), GgmlType::F32);
    partial.write(base / "partial.gguf");
    QVERIFY2(refusal(base / "partial.gguf").find("tensor blk.0.attn_norm.weight is [5]; the metadata makes it [4]") !=
                 std::string::npos,
             refusal(base / "partial.gguf").c_str());
    GgufWriter wrong_divisors = partial;
    wrong_divisors.add_tensor("rope_freqs.weight", torch::ones({3}), GgmlType::F32);
    wrong_divisors.write(base / "divisors.gguf");
    QVERIFY2(refusal(base / "divisors.gguf")
                     .find("divisors.gguf: tensor rope_freqs.weight should be float32 of shape [1] (a divisor per "
                           "rotary frequency of a head of 2)") != std::string::npos,
             refusal(base / "divisors.gguf").c_str());
    GgufWriter mistyped = partial;
    mistyped.set("llama.block_count", GgufValue::string("two"));
    mistyped.write(base / "mistyped.gguf");
    QVERIFY2(refusal(base / "mistyped.gguf").find("metadata llama.block_count is \"two\", not a positive integer") !=
                 std::string::npos,
             refusal(base / "mistyped.gguf").c_str());
  }

  // Q8_0 by hand: one block of 0..31 has d = 31/127 and q = round(x / d).
  void q8BlocksAreGgmlsLayout() {
    const auto values = torch::arange(32, torch::kFloat32);
    const std::string bytes = encode_ggml_tensor(values, GgmlType::Q8_0);
    QCOMPARE(bytes.size(), std::size_t{34});
    at::Half d;
    std::memcpy(&d, bytes.data(), 2);
    QCOMPARE(static_cast<float>(d), static_cast<float>(at::Half(31.0f / 127.0f)));
    QCOMPARE(static_cast<int>(static_cast<std::int8_t>(bytes[2 + 31])), 127);
    QCOMPARE(static_cast<int>(static_cast<std::int8_t>(bytes[2 + 10])), static_cast<int>(std::round(10 * 127.0 / 31)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, encode_ggml_tensor(torch::ones({2, 16}), GgmlType::Q8_0));
  }

  // A truncated or damaged file is refused naming the file and the byte or tensor.
  void damagedFilesAreRefusedByName() {
    const fs::path file = fs::path(dir_.path().toStdString()) / "Llama" / "model-f16.gguf";
    const std::string bytes = read_file(file);
    const auto message = [](std::string data) {
      try {
        parse_gguf(std::move(data), "x.gguf");
      } catch (const DataError& e) {
        return std::string(e.what());
      }
      return std::string("accepted");
    };
    QCOMPARE(message(bytes).substr(0, 8), std::string("accepted"));
    QVERIFY2(
        message(bytes.substr(0, bytes.size() - 100)).find("'s data runs past the end of the file") != std::string::npos,
        message(bytes.substr(0, bytes.size() - 100)).c_str());
    QVERIFY(message(bytes.substr(0, 300)).rfind("x.gguf: byte ", 0) == 0);
    std::string bad_magic = bytes;
    bad_magic[0] = 'X';
    QVERIFY(message(bad_magic).find("no GGUF magic") != std::string::npos);
    std::string huge_count = bytes;
    const std::uint64_t count = std::uint64_t{1} << 60;
    std::memcpy(huge_count.data() + 16, &count, 8);  // the metadata count
    QVERIFY(message(huge_count).find("metadata entries cannot fit") != std::string::npos);
  }

  // A pre-tokenizer llama.cpp has no name for is refused before a file is written.
  void unknownPreTokenizersAreRefused() {
    ExportCase c = export_case("Qwen2");
    c.tokenizer["pre_tokenizer"] = {{"type", "Sequence"},
                                    {"pretokenizers", {{{"type", "WhitespaceSplit"}}, tiny_byte_level(false)}}};
    const fs::path folder = fs::path(dir_.path().toStdString()) / "unknown-pre";
    write_case(folder, c, 6);
    const HubModel hub = load_hub_model(folder);
    const auto tokenizer = HubTokenizer::load(folder);
    try {
      export_hub_gguf(hub, *tokenizer, {}, folder / "out.gguf");
      QFAIL("accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(std::string(e.what()).find("is not one llama.cpp knows by name") != std::string::npos, e.what());
    }
    QVERIFY(!fs::exists(folder / "out.gguf"));
  }

 private:
  QTemporaryDir dir_;
};

CRADLE_REGISTER_TEST(GgufExportTest);

}  // namespace cradle::test

#include "gguf_export_test.moc"
