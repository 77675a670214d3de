// Distillation with Hugging Face model folders: a folder as the teacher of a
// GPT trained here (through the teacher's tokenizer; the teacher's embedding
// rows past the tokenizer's last id are left out of its distribution), and a
// folder as the student, starting from its own weights with LoRA, refused when
// its tokenizer numbers tokens differently from the teacher's.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/experiment_run.h"
#include "core/run/run_weights.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

Json distillation_from(const fs::path& dir, const fs::path& teacher, const Json& student) {
  Json doc = tiny_pretrain_experiment(dir);
  doc["name"] = "student";
  doc["stage"] = "distill";
  doc["model"] = student;
  doc["compress"] = {{"teacher", teacher.string()}, {"alpha", 0.5}, {"temperature", 2.0}};
  doc["train"] = {{"epochs", 1}, {"batch_size", 16}, {"lr", 0.01}, {"log_every", 5}};
  return doc;
}

// The tiny chat folder with other random weights.
void write_other_chat_folder(const fs::path& folder) {
  write_tiny_chat_model_folder(folder);
  Json config = Json::parse(read_file(folder / "config.json"));
  write_folder(folder, config, random_weights(config, 11), false);
}

}  // namespace

class ModelFolderDistillationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void aModelFolderTeachesAGpt() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path teacher = root / "teacher";
    write_tiny_chat_model_folder(teacher);
    write_tiny_chat_files(root);
    const Json gpt = {{"type", "gpt"}, {"width", 32}, {"heads", 2}, {"layers", 1}, {"dropout", 0.0}};
    ExperimentRun(parse_experiment(distillation_from(root, teacher, gpt)), root / "run").train();
    const Json report = Json::parse(read_file(root / "run" / "report.json"));
    QCOMPARE(report["status"].get<std::string>(), std::string("completed"));
    const Json& compression = report["compression"];
    QCOMPARE(compression["original_run"].get<std::string>(), teacher.string());
    const auto folder = load_model_folder_language_model(teacher);
    QCOMPARE(compression["original"]["parameters"].get<std::int64_t>(),
             pretrained_language_model(folder.model)->config().parameters());
    QCOMPARE(compression["original"]["file_bytes"].get<std::int64_t>(),
             static_cast<std::int64_t>(fs::file_size(teacher / "model.safetensors")));
    QCOMPARE(compression["metric"].get<std::string>(), std::string("test_perplexity"));
    // The student predicts the tokenizer's 304 ids; the teacher's embedding has 320 rows.
    auto student = load_run_language_model(root / "run");
    QCOMPARE(student.tokenizer->type(), std::string("hub-bpe"));
    QCOMPARE(student.tokenizer->vocab_size(), std::int64_t(304));
    torch::NoGradGuard no_grad;
    QCOMPARE(student.model->forward(torch::tensor({kTinyImEnd, std::int64_t(258)}).view({1, -1})).size(-1),
             std::int64_t(304));
  }

  void aModelFolderStudentLearnsWithLora() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path teacher = root / "teacher", student = root / "student";
    write_tiny_chat_model_folder(teacher);
    write_other_chat_folder(student);
    write_tiny_chat_files(root);
    Json doc = distillation_from(root, teacher, {{"type", "pretrained"}, {"folder", student.string()}});
    doc["train"]["lora"] = {{"rank", 4}, {"alpha", 8}, {"dropout", 0.0}, {"base_dtype", "float32"}};
    ExperimentRun run(parse_experiment(doc), root / "run");
    QVERIFY(run.model_summary().trainable_parameters < run.model_summary().total_parameters / 5);
    run.train();
    const Json report = Json::parse(read_file(root / "run" / "report.json"));
    QCOMPARE(report["lora"]["projections"].get<int>(), 14);
    const Json adapter = Json::parse(read_file(root / "run" / "adapter" / "adapter_config.json"));
    QCOMPARE(adapter["base_model_name_or_path"].get<std::string>(), student.string());
    const double before = report["compression"]["original"]["test_perplexity"].get<double>();
    QVERIFY2(before > 0, report["compression"].dump().c_str());

    // Another numbering of the same texts is refused, naming both folders.
    Json tokenizer = Json::parse(read_file(student / "tokenizer.json"));
    tokenizer["model"]["vocab"].erase("he");
    tokenizer["model"]["vocab"]["eh"] = 257;
    tokenizer["model"]["merges"] = Json::array({"\xC4\xA0 t", "e h"});
    write_text_atomically(student / "tokenizer.json", tokenizer.dump());
    doc["train"].erase("lora");
    try {
      ExperimentRun(parse_experiment(doc), root / "refused").train();
      QFAIL("a student with another tokenizer trained");
    } catch (const ConfigError& error) {
      const std::string message = error.what();
      QVERIFY2(
          message.find("model.folder: " + student.string()) != std::string::npos &&
              message.find("numbers tokens differently from compress.teacher " + teacher.string()) != std::string::npos,
          message.c_str());
    }
    QVERIFY(!fs::exists(root / "refused" / "report.json"));
  }
};

CRADLE_REGISTER_TEST(ModelFolderDistillationTest);

}  // namespace cradle::test

#include "model_folder_distillation_test.moc"
