// The CSV parser and the tabular classification data built from it.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <random>

#include "core/common/error.h"
#include "core/data/classification_data.h"
#include "core/data/csv_table.h"
#include "core/data/tabular_data.h"
#include "core/experiment/experiment.h"
#include "core/export/bundle_prediction.h"
#include "core/export/model_bundle.h"
#include "core/models/category_embedding.h"
#include "core/models/model_factory.h"
#include "core/models/model_inspection.h"
#include "core/run/experiment_run.h"
#include "core/train/runtime.h"
#include "core/train/trainer.h"
#include "tests/core/train_to_test_accuracy.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

void expect_csv_error(const std::string& text, const QString& message) {
  try {
    parse_csv(text, "t.csv");
    QFAIL(qPrintable("accepted; expected " + message));
  } catch (const DataError& error) {
    QCOMPARE(QString(error.what()), message);
  }
}

// label: "a" when colour is red, else "b" when x1 > 0, else "c"; a few missing cells.
QString write_table(const QString& dir, int rows, std::uint32_t seed, const char* name = "table.csv") {
  std::mt19937 random(seed);
  std::normal_distribution<double> normal(0.0, 3.0);
  const char* colours[] = {"red", "green", "blue"};
  QString text = "x1,x2,colour,label\n";
  for (int i = 0; i < rows; ++i) {
    const double x1 = normal(random) + 10.0, x2 = normal(random) * 100;
    const char* colour = colours[i % 3];
    const char* label = i % 3 == 0 ? "a" : x1 > 10.0 ? "b" : "c";
    const QString x2_cell = i % 17 == 5 ? QString() : QString::number(x2);
    text += QString("%1,%2,%3,%4\n").arg(x1).arg(x2_cell).arg(colour).arg(label);
  }
  const QString path = dir + "/" + name;
  QFile file(path);
  file.open(QIODevice::WriteOnly);
  file.write(text.toUtf8());
  return path;
}

Experiment table_experiment(const QString& file, const std::string& extra = "{}") {
  Json doc = {
      {"name", "table"},
      {"seed", 2},
      {"threads", 1},
      {"data", {{"source", "csv"}, {"file", file.toStdString()}, {"target", "label"}, {"categorical", {"colour"}}}},
      {"model", {{"type", "mlp"}, {"hidden", {16}}}},
      {"train", {{"epochs", 20}, {"batch_size", 16}, {"lr", 0.01}, {"log_every", 10}}}};
  doc.merge_patch(Json::parse(extra));
  return parse_experiment(doc);
}

}  // namespace

class TabularTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void parsesQuotedFieldsAndLineEndings() {
    const auto table =
        parse_csv("\xEF\xBB\xBFname,note\r\n\"Smith, J\",\"said \"\"hi\"\"\"\r\n\nb,\"two\nlines\"\nc,\n", "t.csv");
    QCOMPARE(table.header, (std::vector<std::string>{"name", "note"}));
    QCOMPARE(table.rows.size(), size_t(3));
    QCOMPARE(table.rows[0][0], std::string("Smith, J"));
    QCOMPARE(table.rows[0][1], std::string("said \"hi\""));
    QCOMPARE(table.rows[1][1], std::string("two\nlines"));
    QCOMPARE(table.rows[2][1], std::string(""));
    QCOMPARE(table.row_lines, (std::vector<std::int64_t>{2, 4, 6}));
    QCOMPARE(table.column("note"), 1);
    QCOMPARE(table.column("absent"), -1);
  }

  void reportsBrokenFilesWithTheLine() {
    expect_csv_error("a,b\n1,2\n3\n", "t.csv:3: 1 fields, the header has 2");
    expect_csv_error("a,b\n1,\"open\n2,3\n", "t.csv:2: a quoted field is never closed");
    expect_csv_error("a,b\n1,x\"y\n", "t.csv:2: a quote inside an unquoted field (quote the whole field)");
    expect_csv_error("a,b\n\"1\"x,2\n", "t.csv:2: text after the closing quote of a field");
    expect_csv_error("a,a\n", "t.csv:1: header names \"a\" twice");
    expect_csv_error("a,,c\n", "t.csv:1: header column 2 has no name");
    expect_csv_error("", "t.csv: no header row; the first line must name the columns");
    expect_csv_error("a\n\xff\n", "t.csv: byte 2 is not valid UTF-8");
  }

  void encodesWithStatisticsOfTheTrainingRows() {
    QTemporaryDir dir;
    const auto data = load_classification_data(table_experiment(write_table(dir.path(), 300, 1)));
    QCOMPARE(data.input_shape, (std::vector<std::int64_t>{5}));  // x1, x2, colour one-hot x3
    QCOMPARE(data.class_names, (std::vector<std::string>{"a", "b", "c"}));
    QCOMPARE(data.test.size(), 60);  // 20% held out
    // Standardised on the training rows: mean 0 and deviation 1 there, not exactly elsewhere.
    const auto numeric = data.train.inputs.slice(1, 0, 2);
    QVERIFY(numeric.mean(0).abs().max().item<float>() < 1e-4);
    QVERIFY((numeric.std(0, /*unbiased=*/false) - 1).abs().max().item<float>() < 1e-3);
    // One-hot: exactly one colour column is set on every row.
    QVERIFY(torch::equal(data.train.inputs.slice(1, 2, 5).sum(1), torch::ones({data.train.size()})));
  }

  void missingValuePolicies() {
    QTemporaryDir dir;
    const QString file = write_table(dir.path(), 170, 3);  // rows 5, 22, ... miss x2: 10 rows
    QCOMPARE(load_classification_data(table_experiment(file, R"({"data": {"missing": "drop_row"}})")).dropped_rows, 10);
    const auto filled = load_classification_data(
        table_experiment(file, R"({"data": {"missing": "fill_constant", "fill_value": 12345, "scaling": "none"}})"));
    QCOMPARE(filled.dropped_rows, 0);
    const auto all = torch::cat({filled.train.inputs, filled.validation.inputs, filled.test.inputs});
    QCOMPARE(all.slice(1, 1, 2).eq(12345).sum().item<std::int64_t>(), 10);
  }

  void badCellsNameFileLineAndColumn() {
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.csv");
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write("x1,x2,colour,label\n1,2,red,a\n3,4,blue,b\n5,six,red,a\n7,8,green,\n");
    file.close();
    try {
      load_classification_data(table_experiment(path));
      QFAIL("a non-numeric cell was accepted");
    } catch (const DataError& error) {
      QCOMPARE(QString(error.what()), path +
                                          ":4: column \"x2\": \"six\" is not a number (list the column in "
                                          "data.categorical if it holds categories)");
    }
    try {
      load_classification_data(table_experiment(path, R"({"data": {"target": "kind"}})"));
      QFAIL("an absent target column was accepted");
    } catch (const DataError& error) {
      QCOMPARE(QString(error.what()),
               path + ": no column \"kind\" (data.target); the columns are x1, x2, colour, label");
    }
  }

  void cnnNeedsImages() {
    QTemporaryDir dir;
    const auto e = table_experiment(write_table(dir.path(), 60, 4), R"({"model": {"type": "cnn"}})");
    const auto data = load_classification_data(e);
    QVERIFY_THROWS_EXCEPTION(ConfigError,
                             build_model(e.model, data.input_shape, data.num_classes(), data.category_sizes));
  }

  void separateTestFileAndSchema() {
    QTemporaryDir dir;
    const QString train = write_table(dir.path(), 120, 5, "train.csv");
    const QString test = write_table(dir.path(), 40, 6, "test.csv");
    const auto e = table_experiment(train, R"({"data": {"test_file": ")" + test.toStdString() + R"("}})");
    QCOMPARE(load_classification_data(e).test.size(), 40);
    QCOMPARE(QString::fromStdString(serialize_experiment(parse_experiment(Json::parse(serialize_experiment(e))))),
             QString::fromStdString(serialize_experiment(e)));
    try {
      table_experiment(train, R"({"data": {"fill_value": 1}})");
      QFAIL("fill_value without fill_constant accepted");
    } catch (const ConfigError& error) {
      QCOMPARE(QString(error.what()), QStringLiteral("data.fill_value: only used with data.missing \"fill_constant\""));
    }
  }

  void regressionLearnsALinearRuleInTargetUnits() {
    // y = 3 x1 - 2 x2 + 5 (colour adds 40 for red) + small noise, in the thousands.
    QTemporaryDir dir;
    std::mt19937 random(5);
    std::normal_distribution<double> normal(0.0, 1.0);
    QString text = "x1,x2,colour,y\n";
    for (int i = 0; i < 400; ++i) {
      const double x1 = normal(random) * 10, x2 = normal(random) * 10;
      const char* colour = i % 2 ? "red" : "blue";
      const double y = 1000 + 3 * x1 - 2 * x2 + (i % 2 ? 40 : 0) + normal(random) * 0.5;
      text += QString("%1,%2,%3,%4\n").arg(x1).arg(x2).arg(colour).arg(y);
    }
    QFile file(dir.filePath("reg.csv"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.toUtf8());
    file.close();
    const auto e = table_experiment(dir.filePath("reg.csv"),
                                    R"({"task": "regression", "data": {"target": "y"}, "model": {"batch_norm": false},
                                        "train": {"epochs": 40, "loss": "mse"}})");
    const auto data = load_classification_data(e);
    QVERIFY(std::abs(data.target_mean - 1020) < 5);  // the training rows' mean
    QVERIFY(data.target_std > 20 && data.target_std < 40);
    QCOMPARE(data.train.targets.scalar_type(), torch::kFloat32);
    QVERIFY(std::abs(data.train.targets.mean().item<double>()) < 1e-4);  // standardised
    torch::manual_seed(e.seed);
    auto model = build_model(e.model, data.input_shape, 1, data.category_sizes);
    Trainer trainer(e, model, data, TrainerSetup{});
    struct Test : TrainingObserver {
      EvaluationMetrics test;
      void on_evaluation(const EvaluationMetrics& m) override {
        if (m.split == "test") test = m;
      }
    } observer;
    trainer.add_observer(observer);
    trainer.run();
    QVERIFY(observer.test.mae && observer.test.rmse && observer.test.r2);
    QVERIFY2(*observer.test.r2 > 0.98, qPrintable(QString::number(*observer.test.r2)));
    QVERIFY2(*observer.test.mae < 3.0, qPrintable(QString::number(*observer.test.mae)));  // target units, noise 0.5
    QVERIFY(*observer.test.rmse >= *observer.test.mae);
  }

  void regressionErrorsNameTheCell() {
    QTemporaryDir dir;
    QFile file(dir.filePath("bad.csv"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("x,y\n1,2\n2,3\n3,lots\n4,5\n5,6\n");
    file.close();
    try {
      load_classification_data(table_experiment(
          dir.filePath("bad.csv"), R"({"task": "regression", "data": {"target": "y", "categorical": []}})"));
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what())
                   .endsWith("bad.csv:4: target column \"y\": \"lots\" is not a number (task \"regression\")"),
               error.what());
    }
    const auto config_error = [&](const char* extra) {
      try {
        table_experiment(dir.filePath("bad.csv"), extra);
      } catch (const ConfigError& error) {
        return QString(error.what());
      }
      return QString("accepted");
    };
    QCOMPARE(config_error(R"({"train": {"loss": "mae"}})"),
             QString("train.loss: only used by task \"regression\" (classifiers use cross-entropy)"));
    QCOMPARE(config_error(R"({"task": "regression", "model": {"type": "cnn"}})"),
             QString("model.type: task \"regression\" on a table needs \"mlp\", got \"cnn\""));
    QCOMPARE(config_error(R"({"task": "regression", "train": {"loss": "huber"}})").left(31),
             QString("train.loss: must be one of mse,"));
  }

  void embeddedCategoriesAreIndicesWithZeroForUnknown() {
    QTemporaryDir dir;
    const QString train = write_table(dir.path(), 300, 1);
    QFile test(dir.filePath("test.csv"));
    QVERIFY(test.open(QIODevice::WriteOnly));
    test.write("x1,x2,colour,label\n1,2,purple,a\n3,4,,b\n5,6,green,c\n");  // unseen, missing, seen
    test.close();
    const auto e = table_experiment(train, R"({"data": {"categorical_encoding": "embedding", "test_file": ")" +
                                               dir.filePath("test.csv").toStdString() + R"("}})");
    const auto data = load_classification_data(e);
    QCOMPARE(data.input_shape, (std::vector<std::int64_t>{3}));     // x1, x2, colour index
    QCOMPARE(data.category_sizes, (std::vector<std::int64_t>{4}));  // blue, green, red + unknown
    // Sorted vocabulary: blue 1, green 2, red 3; label "a" is exactly the red rows.
    const auto index = data.train.inputs.select(1, 2);
    QVERIFY(torch::equal(index.eq(3), data.train.targets.eq(0)));
    QVERIFY(index.ge(1).all().item<bool>() && index.le(3).all().item<bool>());
    QVERIFY(torch::equal(data.test.inputs.select(1, 2), torch::tensor({0.0f, 0.0f, 2.0f})));

    torch::manual_seed(e.seed);
    auto model = build_model(e.model, data.input_shape, data.num_classes(), data.category_sizes);
    const auto summary = summarize_model(model, data.input_shape);
    QCOMPARE(QString::fromStdString(summary.layers.at(1).name), QString("embed"));
    const std::int64_t width = category_embedding_width(4);
    QCOMPARE(summary.layers.at(1).output_shape, (std::vector<std::int64_t>{2 + width}));
    QCOMPARE(summary.layers.at(1).parameters, 4 * width);
    QVERIFY_THROWS_EXCEPTION(ConfigError, build_model(e.model, data.input_shape, data.num_classes(), {4, 5, 6, 7}));
  }

  void embeddingWidthsFollowTheRuleOfThumb() {
    // fast.ai: min(600, round(1.6 * n^0.56)).
    QCOMPARE(category_embedding_width(2), std::int64_t(2));
    QCOMPARE(category_embedding_width(4), std::int64_t(3));
    QCOMPARE(category_embedding_width(1000), std::int64_t(77));
    QCOMPARE(category_embedding_width(100000000), std::int64_t(600));
  }

  void embeddingNeedsAnMlp() {
    QTemporaryDir dir;
    try {
      table_experiment(write_table(dir.path(), 30, 2),
                       R"({"data": {"categorical_encoding": "embedding"}, "model": {"type": "cnn"}})");
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QCOMPARE(
          QString(error.what()),
          QString(
              "data.categorical_encoding: \"embedding\" feeds category indices to an \"mlp\", got model type \"cnn\""));
    }
    try {
      parse_experiment(Json::parse(
          R"({"name": "x", "data": {"source": "cifar10", "folder": "f", "categorical_encoding": "embedding"}})"));
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QCOMPARE(QString(error.what()),
               QString("data.categorical_encoding: only used by source \"csv\", not \"cifar10\""));
    }
  }

  void embeddedCategoriesLearnTheRule() {
    QTemporaryDir dir;
    const auto e =
        table_experiment(write_table(dir.path(), 600, 7), R"({"data": {"categorical_encoding": "embedding"}})");
    configure_runtime(e.threads);
    const double accuracy = train_to_test_accuracy(e, load_classification_data(e));
    QVERIFY2(accuracy > 0.9, qPrintable(QString::number(accuracy)));
  }

  void previewPairsEachRowWithItsEncoding() {
    // x = 0..9 scaled min-max on the training rows (all of them: validation 0, a separate test file).
    QTemporaryDir dir;
    QString text = "x,kind,label\n";
    for (int i = 0; i < 10; ++i)
      text += QString("%1,%2,%3\n").arg(i).arg(i % 2 ? "odd" : "even").arg(i < 5 ? "low" : "high");
    QFile file(dir.filePath("t.csv"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.toUtf8());
    file.close();
    const auto e = table_experiment(dir.filePath("t.csv"),
                                    R"({"data": {"categorical": ["kind"], "scaling": "minmax", "validation_fraction": 0,
                                                 "stratify": false, "test_file": ")" +
                                        dir.filePath("t.csv").toStdString() + R"("}})");
    const TablePreview p = preview_table(e, 6);
    QCOMPARE(p.encoded_columns, (std::vector<std::string>{"x", "kind=even", "kind=odd"}));
    QCOMPARE(p.split_sizes, (std::vector<std::int64_t>{10, 0, 10}));
    QCOMPARE(p.rows.size(), size_t(6));
    for (const auto& row : p.rows) {
      const int x = std::stoi(row.raw.at(0).second);
      QCOMPARE(row.origin, dir.filePath("t.csv").toStdString() + ":" + std::to_string(x + 2));
      QVERIFY(std::abs(row.encoded.at(0) - x / 9.0) < 1e-6);
      QCOMPARE(row.encoded.at(x % 2 ? 2 : 1), 1.0);
      QCOMPARE(row.encoded.at(x % 2 ? 1 : 2), 0.0);
      QCOMPARE(row.target_encoded, x < 5 ? 1.0 : 0.0);  // classes sorted: high, low
    }
    QCOMPARE(QString::fromStdString(p.column_encodings.at(0).how), QString("(x - 0) / 9, missing -> 4.5"));
  }

  // A table bundle, moved and with its CSV gone, predicts CSV rows (columns in
  // any order, extra columns, missing cells, unseen categories) exactly as the
  // training pipeline encodes them; bad files are errors naming what is wrong.
  void aTableBundlePredictsCsvRowsAsTrainingEncodedThem() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const QString rows = dir.filePath("rows.csv");
    {
      QFile file(rows);
      file.open(QIODevice::WriteOnly);
      file.write("note,label,colour,x2,x1\nfirst,a,red,120,9.5\nsecond,b,purple,,12\nthird,c,,-40,NA\n");
    }
    const auto e = table_experiment(
        write_table(dir.path(), 90, 3),
        R"({"train": {"epochs": 2}, "model": {"batch_norm": false}, "data": {"columns": ["x1", "x2", "colour"], "test_file": ")" +
            rows.toStdString() + R"("}})");
    ExperimentRun(e, root / "run").train();
    const Json manifest = export_bundle(root / "run", root / "bundle", /*onnx=*/true);
    QCOMPARE(manifest["input"]["table"]["categorical"][0]["categories"].dump(),
             std::string(R"(["blue","green","red"])"));
    QVERIFY(manifest["onnx"]["runtime_checks"][0]["max_abs_difference"].get<double>() < 1e-4);
    const auto expected_inputs = load_classification_data(e, SplitsToLoad::TestOnly).test.inputs;
    fs::rename(root / "bundle", root / "moved");
    fs::remove_all(root / "run");
    fs::remove(dir.filePath("table.csv").toStdString());

    ModelBundle bundle = open_bundle(root / "moved");
    const auto predictions = predict_table_rows(bundle, {rows.toStdString()}, 3);
    QCOMPARE(predictions.size(), std::size_t(3));
    torch::NoGradGuard no_grad;
    const auto expected = torch::softmax(bundle.model->forward(expected_inputs), 1);
    for (std::int64_t i = 0; i < 3; ++i) {
      const auto& p = predictions[static_cast<std::size_t>(i)];
      QVERIFY2(p.error.empty(), p.error.c_str());
      QCOMPARE(p.input, rows.toStdString() + ":" + std::to_string(i + 2));
      const auto best = expected[i].argmax().item<std::int64_t>();
      QCOMPARE(p.top.at(0).label, bundle.class_names.at(static_cast<std::size_t>(best)));
      QVERIFY(std::abs(p.top.at(0).probability - expected[i][best].item<double>()) < 1e-6);
    }

    // The same rows in memory (as the HTTP service receives them), one table each, named as given.
    std::vector<CsvTable> records;
    for (const char* line : {"9.5,120,red", "12,,purple", "NA,-40,"})
      records.push_back(parse_csv(std::string("x1,x2,colour\n") + line, "r"));
    const auto from_records = predict_table_records(bundle, records, {"a", "b", "c"}, 3);
    QCOMPARE(from_records.size(), std::size_t(3));
    for (std::size_t i = 0; i < 3; ++i) {
      QCOMPARE(from_records[i].input, std::string(1, static_cast<char>('a' + i)) + ":2");
      QCOMPARE(from_records[i].top.at(0).label, predictions[i].top.at(0).label);
      QCOMPARE(from_records[i].top.at(0).probability, predictions[i].top.at(0).probability);
    }

    const auto bad = [&](const char* text) {
      const QString path = dir.filePath("bad.csv");
      QFile file(path);
      file.open(QIODevice::WriteOnly | QIODevice::Truncate);
      file.write(text);
      file.close();
      const auto p = predict_table_rows(bundle, {path.toStdString()}, 1);
      return p.size() == 1 ? p[0].error : std::string("predicted");
    };
    QVERIFY2(bad("x1,colour\n1,red\n").find("no column \"x2\"") != std::string::npos,
             bad("x1,colour\n1,red\n").c_str());
    QVERIFY(bad("x1,x2,colour\n1,2,red\nten,2,red\n").find("bad.csv:3: column \"x1\": \"ten\" is not a number") !=
            std::string::npos);
    QVERIFY(bad("x1,x2,colour\n1,\"2\n").find("bad.csv") != std::string::npos);
    QVERIFY(predict_table_rows(bundle, {root / "absent.csv"}, 1).at(0).error.find("no such file") != std::string::npos);
  }

  void learnsTheRule() {
    QTemporaryDir dir;
    const auto e = table_experiment(write_table(dir.path(), 600, 7));
    configure_runtime(e.threads);
    const double accuracy = train_to_test_accuracy(e, load_classification_data(e));
    QVERIFY2(accuracy > 0.9, qPrintable(QString::number(accuracy)));
  }
};

CRADLE_REGISTER_TEST(TabularTest);

}  // namespace cradle::test

#include "tabular_test.moc"
