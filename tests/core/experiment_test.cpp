// Validation of the experiment file: every kind of error names its JSON path,
// and canonical files survive load and save byte for byte.
#include <QTemporaryDir>
#include <QTest>

#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/experiment/overrides.h"
#include "core/experiment/pipeline.h"
#include "core/tune/sweep_spec.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

class ExperimentTest : public QObject {
  Q_OBJECT

 private:
  static Json minimal() {
    return Json::parse(R"({"name": "demo", "data": {"train_images": "a", "train_labels": "b",
                           "test_images": "c", "test_labels": "d"}})");
  }

  static void expect_config_error(const Json& document, const QString& expected) {
    try {
      parse_experiment(document);
      QFAIL(qPrintable("accepted; expected: " + expected));
    } catch (const ConfigError& error) {
      QCOMPARE(QString::fromStdString(error.what()), expected);
    }
  }

  static Json with(const char* assignment) {
    Json doc = minimal();
    apply_override(doc, assignment);
    return doc;
  }

 private Q_SLOTS:
  void fillsDefaults() {
    const auto e = parse_experiment(minimal());
    QCOMPARE(QString::fromStdString(e.name), QStringLiteral("demo"));
    QCOMPARE(e.train.epochs, 5);
    QCOMPARE(QString::fromStdString(e.model.type), QStringLiteral("cnn"));
    QCOMPARE(e.data.validation_fraction, 0.1);
  }

  // Task, stage and data source are enumerations inside Cradle and names in
  // the files: each name converts to its value and back, and nothing else does.
  void enumerationsRoundTripTheirNames() {
    const auto round_trips = [](const std::vector<std::string>& names, auto parse) {
      for (const auto& name : names) {
        const auto value = parse(name);
        QVERIFY2(value.has_value(), name.c_str());
        QCOMPARE(to_string(*value), name);
      }
      QCOMPARE(std::set<std::string>(names.begin(), names.end()).size(), names.size());
      QVERIFY(!parse("").has_value());
      QVERIFY(!parse(names.front() + "s").has_value());
    };
    round_trips(stage_names(), parse_stage);
    round_trips(task_names(), parse_task);
    round_trips(data_source_names(), parse_data_source);
    QCOMPARE(stage_names().size(), std::size_t{7});
    QCOMPARE(data_source_names().size(), std::size_t{10});
    QCOMPARE(to_string(Task::LanguageModel), std::string("language_model"));
    QCOMPARE(to_string(DataSource::ImageFolder), std::string("image_folder"));
  }

  void sampleProjectsRoundTripByteForByte() {
    int projects = 0;
    for (const auto& entry : std::filesystem::directory_iterator(CRADLE_SOURCE_DIR "/projects")) {
      if (!std::filesystem::exists(entry.path() / "experiment.json")) continue;
      // Every experiment of the project (a pipeline's stages too), not the pipeline or sweep file itself.
      for (const auto& file : std::filesystem::directory_iterator(entry.path())) {
        const auto path = file.path();
        if (path.extension() != ".json" || path.filename() == "pipeline.json") continue;
        if (path.filename() == "sweep.json") {
          QCOMPARE(load_sweep_spec(path).experiment, std::string("experiment.json"));
          continue;
        }
        const std::string original = read_file(path);
        QCOMPARE(QString::fromStdString(serialize_experiment(load_experiment(path))), QString::fromStdString(original));
      }
      ++projects;
    }
    QVERIFY(projects >= 3);
  }

  void pipelinesNameTheirStages() {
    const auto p = load_pipeline(CRADLE_SOURCE_DIR "/projects/alignment-demo/pipeline.json");
    QCOMPARE(p.name, std::string("alignment-demo"));
    QCOMPARE(p.stages.size(), size_t(5));
    QCOMPARE(p.stages[1].init_from, std::string("pretrain"));
    QCOMPARE(p.stages[2].init_from, std::string("sft"));
    QCOMPARE(p.stages[3].reward_from, std::string("reward"));  // PPO maximises the reward stage's model
    QVERIFY(p.stages[1].experiment.is_absolute() && std::filesystem::exists(p.stages[1].experiment));
    const auto error = [](const char* text) -> std::string {
      try {
        parse_pipeline(Json::parse(text), "/p");
      } catch (const ConfigError& e) {
        return e.what();
      }
      return "accepted";
    };
    QCOMPARE(error(R"({"name": "p", "stages": [{"name": "a", "experiment": "a.json"}]})"), std::string("accepted"));
    QCOMPARE(error(R"({"name": "p", "stages": [{"name": "a", "experiment": "a.json", "init_from": "b"},
                                             {"name": "b", "experiment": "b.json"}]})"),
             std::string("stages[0].init_from: \"b\" is not an earlier stage of this pipeline"));
    QCOMPARE(
        error(
            R"({"name": "p", "stages": [{"name": "a", "experiment": "a.json"}, {"name": "a", "experiment": "b.json"}]})"),
        std::string("stages[1].name: \"a\" names an earlier stage too"));
    QCOMPARE(error(R"({"name": "p", "stages": []})").rfind("stages: required", 0), size_t(0));
    QVERIFY(error(R"({"name": "p", "stages": [{"name": "a", "experiment": "a.json", "sett": []}]})")
                .find("stages[0].sett: unknown key") == 0);
    QVERIFY(error(R"({"name": "../x", "stages": [{"name": "a", "experiment": "a.json"}]})").find("name: use letters") ==
            0);
  }

  void savedDefaultsReloadUnchanged() {
    const auto text = serialize_experiment(parse_experiment(minimal()));
    QCOMPARE(serialize_experiment(parse_experiment(Json::parse(text))), text);
  }

  void reportsOutOfRange() {
    expect_config_error(with("train.lr=-0.1"), "train.lr: must be > 0, got -0.1");
    expect_config_error(with("train.epochs=0"), "train.epochs: must be between 1 and 100000, got 0");
    expect_config_error(with("data.validation_fraction=1"), "data.validation_fraction: must be >= 0 and < 1, got 1");
    expect_config_error(with("model.hidden=[64,0]"), "model.hidden[1]: must be between 1 and 1048576, got 0");
  }

  void reportsWrongTypes() {
    expect_config_error(with("train.epochs=\"5\""), "train.epochs: expected a whole number, got a string \"5\"");
    expect_config_error(with("train.epochs=2.5"), "train.epochs: expected a whole number, got 2.5");
    expect_config_error(with("model.batch_norm=1"), "model.batch_norm: expected true or false, got 1");
    expect_config_error(with("train=[]"), "train: expected an object, got an array");
    expect_config_error(Json::array(), "experiment: expected an object, got an array");
  }

  void reportsUnknownKeysWithSuggestion() {
    expect_config_error(with("train.lrr=0.1"), "train.lrr: unknown key (did you mean \"train.lr\"?)");
    expect_config_error(with("colour=1"), "colour: unknown key");
  }

  void reportsMissingRequiredFields() {
    Json doc = minimal();
    doc["data"].erase("test_labels");
    expect_config_error(doc, "data.test_labels: required");
    doc = minimal();
    doc.erase("data");
    expect_config_error(doc, "data: required");
    doc = minimal();
    doc.erase("name");
    expect_config_error(doc, "name: required");
  }

  void reportsInvalidChoices() {
    expect_config_error(
        with("model.type=transformer"),
        "model.type: must be one of mlp, cnn, lenet5, resnet, resnet18, resnet34, resnet50, resnet101, resnet152, mobilenet_v2, lstm, gru, rnn, gpt, encoder, pretrained; got \"transformer\"");
    expect_config_error(with("device=tpu"), "device: must be one of cpu, cuda, auto; got \"tpu\"");
  }

  void reportsFieldsThatDoNotApply() {
    expect_config_error(with("train.momentum=0.5"),
                        "train.momentum: only used by optimizers \"sgd\" and \"rmsprop\", not \"adam\"");
    Json doc = with("model.type=mlp");
    apply_override(doc, "model.kernel_size=3");
    expect_config_error(doc, "model.kernel_size: only used by model type \"cnn\", not \"mlp\"");
    expect_config_error(
        with("model.kernel_size=4"),
        "model.kernel_size: must be odd with padding \"same\" (kernel_size / 2 each side keeps the size), got 4");
  }

  void reportsUnsafeNameAndVersion() {
    expect_config_error(with("name=../evil"),
                        "name: use letters, digits, '-', '_' and '.' only (it names the run folder), got \"../evil\"");
    expect_config_error(with("format_version=2"), "format_version: this Cradle reads version 1, got 2");
  }

  void reportsSyntaxErrorsWithLineAndFile() {
    QTemporaryDir dir;
    const auto path = dir.filePath("broken.json").toStdString();
    write_text_atomically(path, "{\n  \"name\": \"x\",\n  \"seed\": ,\n}\n");
    try {
      load_experiment(path);
      QFAIL("a syntax error was accepted");
    } catch (const ConfigError& error) {
      const QString message = error.what();
      QVERIFY2(message.startsWith(QString::fromStdString(path) + ": parse error at line 3"), qPrintable(message));
    }
  }

  void normalizeIsAutoOrValuesPerChannel() {
    auto e = parse_experiment(with("data.normalize=auto"));
    QVERIFY(e.data.normalize_auto);
    QVERIFY(experiment_to_json(e)["data"]["normalize"] == Json("auto"));
    e = parse_experiment(with(R"(data.normalize={"mean": [0.4, 0.5, 0.6], "std": 0.2})"));
    QCOMPARE(e.data.normalize_mean.size(), size_t(3));
    QVERIFY(e.data.normalize_std == std::vector<double>{0.2});
    const auto text = serialize_experiment(e);
    QCOMPARE(serialize_experiment(parse_experiment(Json::parse(text))), text);
    expect_config_error(with("data.normalize=mean"),
                        "data.normalize: must be \"auto\" or {\"mean\": ..., \"std\": ...}, got \"mean\"");
    expect_config_error(with(R"(data.normalize={"std": [1, 0]})"), "data.normalize.std[1]: must be > 0, got 0");
    expect_config_error(with(R"(data.normalize={"mean": []})"),
                        "data.normalize.mean: expected a number or a non-empty array of numbers");
    Json csv = Json::parse(R"({"name": "t", "data": {"source": "csv", "file": "f.csv", "target": "y",
                                                     "normalize": "auto"}})");
    expect_config_error(csv,
                        "data.normalize: only used by sources \"idx\", \"cifar10\" and \"image_folder\", not \"csv\"");
  }

  void aTestSplitIsNamedOrHeldOutNotBoth() {
    const auto data = [](const char* fields) {
      return Json::parse(std::string(R"({"name": "t", "data": )") + fields + "}");
    };
    expect_config_error(data(R"({"source": "csv", "file": "a.csv", "target": "y", "test_file": "b.csv",
                                 "test_fraction": 0.3})"),
                        "data.test_fraction: not used when data.test_file names the test data");
    expect_config_error(data(R"({"source": "image_folder", "folder": "f", "test_folder": "g", "test_fraction": 0.3})"),
                        "data.test_fraction: not used when data.test_folder names the test data");
    const auto held_out =
        parse_experiment(data(R"({"source": "csv", "file": "a.csv", "target": "y", "test_fraction": 0.3})"));
    QCOMPARE(held_out.data.test_fraction, 0.3);
    QVERIFY(experiment_to_json(held_out)["data"]["test_fraction"] == Json(0.3));
    QVERIFY(!experiment_to_json(held_out)["data"].contains("test_file"));
  }

  void reportsNumbersTooLargeForADouble() {  // found by fuzz_experiment
    try {
      parse_json_text("{\"seed\": 9e99499}", "big.json");
      QFAIL("overflowing number accepted");
    } catch (const ConfigError& error) {
      QCOMPARE(QString(error.what()), QStringLiteral("big.json: number overflow parsing '9e99499'"));
    }
  }

  void loadPrefixesFileAndResolvesRelativePaths() {
    QTemporaryDir dir;
    const auto path = dir.filePath("exp.json").toStdString();
    write_text_atomically(path, minimal().dump());
    const auto e = load_experiment(path, {"train.lr=0.5"});
    QCOMPARE(e.train.lr, 0.5);
    QCOMPARE(QString::fromStdString(e.resolve("a").string()), dir.filePath("a"));
    QCOMPARE(QString::fromStdString(with_absolute_paths(e).data.train_images), dir.filePath("a"));
    try {
      load_experiment(path, {"train.lr=0"});
      QFAIL("lr 0 accepted");
    } catch (const ConfigError& error) {
      QCOMPARE(QString(error.what()), QString::fromStdString(path) + ": train.lr: must be > 0, got 0");
    }
  }

  void overridesParseJsonOrFallBackToString() {
    Json doc = minimal();
    apply_override(doc, "model.hidden=[256,128]");
    apply_override(doc, "train.optimizer=sgd");
    apply_override(doc, "model.batch_norm=false");
    apply_override(doc, "new.deep.key=3");
    QCOMPARE(doc["model"]["hidden"].size(), size_t(2));
    QCOMPARE(QString::fromStdString(doc["train"]["optimizer"].get<std::string>()), QStringLiteral("sgd"));
    QCOMPARE(doc["model"]["batch_norm"].get<bool>(), false);
    QCOMPARE(doc["new"]["deep"]["key"].get<int>(), 3);
  }

  void overridesRejectMalformedAssignments() {
    Json doc = minimal();
    QVERIFY_THROWS_EXCEPTION(ConfigError, apply_override(doc, "train.lr"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, apply_override(doc, "=3"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, apply_override(doc, "train..lr=3"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, apply_override(doc, "name.first=3"));  // name is a string
    try {
      apply_override(doc, "train.lr=\xcd\x9a\xd2\xcb");  // found by fuzz_experiment
      QFAIL("invalid UTF-8 accepted");
    } catch (const ConfigError& error) {
      QCOMPARE(QString(error.what()), QStringLiteral("--set: byte 11 of \"train.lr=\u035a...\" is not valid UTF-8"));
    }
  }
};

CRADLE_REGISTER_TEST(ExperimentTest);

}  // namespace cradle::test

#include "experiment_test.moc"
