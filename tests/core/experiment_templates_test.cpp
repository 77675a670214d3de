// The wizard's starting points and reshaping: each template is the canonical
// file of its kind; a changed choice leaves exactly the fields it reads, with
// the user's values carried over where they still apply.
#include <QTest>

#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/experiment/experiment_templates.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

// The core's verdict: empty when valid.
std::string verdict(const Json& doc) {
  try {
    parse_experiment(doc);
    return {};
  } catch (const ConfigError& error) {
    return error.what();
  }
}

}  // namespace

class ExperimentTemplatesTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void templatesAreCanonicalAndAskOnlyForTheirData() {
    for (const TaskKind& kind : task_kinds()) {
      const Json doc = experiment_template(kind.id);
      QCOMPARE(doc["task"].get<std::string>(), to_string(kind.task));
      QCOMPARE(task_kind_of(doc).id, kind.id);
      const std::string problem = verdict(doc);
      if (kind.id == "image_classification" || kind.id == "language_model") {
        QVERIFY2(problem.empty(), problem.c_str());
        QCOMPARE(QString::fromStdString(experiment_to_json(parse_experiment(doc)).dump()),
                 QString::fromStdString(doc.dump()));  // canonical as it is
      } else if (kind.id == "chat_fine_tuning") {
        // The model it tunes is the user's to name (a model folder or a run), then the dialogues.
        QVERIFY2(problem.rfind("init_from:", 0) == 0, problem.c_str());
        Json named = doc;
        named["init_from"] = "models/SmolLM2-135M-Instruct";
        QVERIFY2(verdict(named).rfind("data.paths:", 0) == 0, verdict(named).c_str());
        named["data"]["paths"] = {"chats.jsonl"};
        QVERIFY2(verdict(named).empty(), verdict(named).c_str());
        const Experiment tuning = parse_experiment(named);
        QCOMPARE(tuning.stage, Stage::Sft);
        QVERIFY(tuning.model_inherited && tuning.train.lora.enabled);
        QCOMPARE(tuning.train.lora.options.rank, std::int64_t(8));
      } else {
        // Tables and labelled text need the user's files, and the core says which field.
        QVERIFY2(problem.rfind("data.file:", 0) == 0 || problem.rfind("data.paths:", 0) == 0, problem.c_str());
      }
    }
    QVERIFY_THROWS_EXCEPTION(ConfigError, task_kind("sound"));
  }

  void modelTypeKeepsSharedFieldsAndTakesTheNewTypesDefaults() {
    Json doc = experiment_template("image_classification");
    doc["model"]["hidden"] = {64, 32};
    doc["model"]["dropout"] = 0.4;
    const Json mlp = with_model_type(doc, "mlp");
    QVERIFY(mlp["model"]["hidden"] == Json({64, 32}));
    QVERIFY(!mlp["model"].contains("conv_channels"));
    const Json resnet = with_model_type(doc, "resnet");
    QVERIFY2(verdict(resnet).empty(), verdict(resnet).c_str());
    QCOMPARE(resnet["model"]["dropout"].get<double>(), 0.4);
    QVERIFY(resnet["model"].contains("widths") && !resnet["model"].contains("conv_channels"));
    // The encoder pools by the mean by default, whatever the GRU did.
    const Json text = with_model_type(experiment_template("text_classification"), "encoder");
    QCOMPARE(text["model"]["pooling"].get<std::string>(), std::string("mean"));
  }

  void optimizerScheduleAndEarlyStoppingReshapeTheTrainSection() {
    Json doc = experiment_template("image_classification");
    doc["train"]["epochs"] = 9;
    doc["train"]["lr"] = 0.02;
    const Json sgd = with_train_shape(doc, "sgd", "step", true);
    QVERIFY2(verdict(sgd).empty(), verdict(sgd).c_str());
    QCOMPARE(sgd["train"]["epochs"].get<int>(), 9);
    QCOMPARE(sgd["train"]["lr"].get<double>(), 0.02);
    QCOMPARE(sgd["train"]["momentum"].get<double>(), 0.9);  // SGD's own default
    QVERIFY(!sgd["train"].contains("betas"));
    QCOMPARE(sgd["train"]["schedule"]["gamma"].get<double>(), 0.1);
    QVERIFY(sgd["train"]["early_stopping"].contains("patience"));
    // Adadelta's rate is on another scale: its default, not the carried one.
    const Json adadelta = with_train_shape(doc, "adadelta", "constant", false);
    QCOMPARE(adadelta["train"]["lr"].get<double>(), 1.0);
    QVERIFY(!adadelta["train"].contains("early_stopping"));
  }

  void dataSourceKeepsWhatStillApplies() {
    Json doc = experiment_template("language_model");
    doc["data"]["context_length"] = 96;
    doc["data"]["validation_fraction"] = 0.2;
    const Json jsonl = with_data_source(doc, "jsonl");
    QCOMPARE(jsonl["data"]["context_length"].get<int>(), 96);
    QCOMPARE(jsonl["data"]["validation_fraction"].get<double>(), 0.2);
    QVERIFY(jsonl["data"]["include"] == Json({"*.jsonl"}));
    QVERIFY(jsonl["data"].contains("text_field") && !jsonl["data"].contains("records"));
    QVERIFY2(verdict(jsonl).empty(), verdict(jsonl).c_str());
    // Another task keeps the name and the seed, nothing of the old data.
    Json named = doc;
    named["name"] = "mine";
    named["seed"] = 5;
    const Json table = with_task_kind(named, "table_regression");
    QCOMPARE(table["name"].get<std::string>(), std::string("mine"));
    QCOMPARE(table["seed"].get<int>(), 5);
    QCOMPARE(table["data"]["source"].get<std::string>(), std::string("csv"));
  }
};

CRADLE_REGISTER_TEST(ExperimentTemplatesTest);

}  // namespace cradle::test

#include "experiment_templates_test.moc"
