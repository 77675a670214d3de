#include "tests/core/tiny_chat_fixture.h"

#include "core/run/experiment_run.h"

#include <fstream>
#include <string>

namespace cradle::test {
namespace fs = std::filesystem;

std::shared_ptr<const Tokenizer> letter_tokenizer() {
  TokenizerSpec spec;
  spec.type = "char";
  return train_tokenizer(spec, {"abcdefghijklmnopqrstuvwxyz ?!."});
}

void write_tiny_chat_files(const fs::path& dir) {
  std::ofstream corpus(dir / "corpus.txt", std::ios::binary);
  for (int i = 0; i < 300; ++i)
    corpus << "the " << kTinyWords[i % 8] << " sees a " << kTinyWords[(i / 8) % 8] << ".\n%\n";
  std::ofstream dialogues(dir / "dialogues.jsonl", std::ios::binary);
  for (int i = 0; i < 160; ++i)
    dialogues << Json{{"messages",
                       {{{"role", "user"}, {"content", std::string("say ") + kTinyWords[i % 8]}},
                        {{"role", "assistant"}, {"content", std::string(kTinyWords[i % 8]) + "."}}}}}
                     .dump()
              << "\n";
}

void write_tiny_preferences(const fs::path& dir, int pairs) {
  std::ofstream out(dir / "preferences.jsonl", std::ios::binary);
  for (int i = 0; i < pairs; ++i) {
    const std::string word = kTinyWords[(i * 5) % 8];
    out << Json{{"prompt", "say " + std::string(kTinyWords[i % 8])},
                {"chosen", "the " + word + "."},
                {"rejected", "a " + word + "."}}
               .dump()
        << "\n";
  }
}

Json tiny_pretrain_experiment(const fs::path& dir) {
  Json doc = {{"name", "base"},
              {"task", "language_model"},
              {"threads", 2},
              {"data", {{"source", "text"}, {"records", "separator"}, {"context_length", 24}, {"test_fraction", 0.1}}},
              {"model", {{"type", "gpt"}, {"width", 32}, {"heads", 2}, {"layers", 2}, {"dropout", 0.0}}},
              {"train", {{"epochs", 2}, {"batch_size", 16}, {"lr", 0.003}, {"log_every", 5}}}};
  doc["data"]["paths"] = Json::array({(dir / "corpus.txt").string()});
  return doc;
}

Json tiny_sft_experiment(const fs::path& dir, const fs::path& base) {
  Json doc = {
      {"name", "chat"},
      {"task", "language_model"},
      {"stage", "sft"},
      {"threads", 2},
      {"data", {{"source", "dialogues"}, {"context_length", 24}, {"test_fraction", 0.1}, {"validation_fraction", 0.1}}},
      {"train", {{"epochs", 12}, {"batch_size", 16}, {"lr", 0.003}, {"log_every", 5}}}};
  doc["init_from"] = base.string();
  doc["data"]["paths"] = Json::array({(dir / "dialogues.jsonl").string()});
  return doc;
}

Json tiny_dpo_experiment(const fs::path& dir, const fs::path& base) {
  Json doc = {
      {"name", "dpo"},
      {"task", "language_model"},
      {"stage", "dpo"},
      {"threads", 2},
      {"data",
       {{"source", "preferences"}, {"context_length", 24}, {"test_fraction", 0.2}, {"validation_fraction", 0.1}}},
      {"train", {{"epochs", 4}, {"batch_size", 16}, {"lr", 0.002}, {"log_every", 5}}},
      {"align", {{"beta", 0.1}}}};
  doc["init_from"] = base.string();
  doc["data"]["paths"] = Json::array({(dir / "preferences.jsonl").string()});
  return doc;
}

std::filesystem::path tiny_chat_policy(const std::filesystem::path& root) {
  write_tiny_chat_files(root);
  Json pretrain = tiny_pretrain_experiment(root);
  pretrain["train"]["epochs"] = 1;
  ExperimentRun(parse_experiment(pretrain), root / "base").train();
  Json sft = tiny_sft_experiment(root, root / "base");
  sft["train"]["epochs"] = 6;
  ExperimentRun(parse_experiment(sft), root / "chat").train();
  return root / "chat";
}

}  // namespace cradle::test
