// Classification metrics against values computed by hand (see each case's
// comments), including a class never predicted, a single class, ties in
// ROC-AUC and empty input; and batch-by-batch accumulation equal to one batch.
#include <QTest>

#include <cmath>

#include "core/eval/classification_metrics.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

bool near(double a, double b) { return std::abs(a - b) < 1e-12; }

// Five samples of three classes; class 2 is never predicted.
//   sample  label  probabilities      predicted
//   0       0      0.9 0.1 0.0        0  right
//   1       0      0.6 0.4 0.0        0  right
//   2       0      0.3 0.7 0.0        1  wrong
//   3       1      0.2 0.8 0.0        1  right
//   4       2      0.5 0.3 0.2        0  wrong
const std::vector<double> kProbabilities = {0.9, 0.1, 0.0, 0.6, 0.4, 0.0, 0.3, 0.7, 0.0, 0.2, 0.8, 0.0, 0.5, 0.3, 0.2};
const std::vector<std::int64_t> kLabels = {0, 0, 0, 1, 2};

}  // namespace

class ClassificationMetricsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void matchesHandComputedValues() {
    ClassificationMetrics metrics(3, 2, 5);
    metrics.add(kProbabilities, kLabels);
    const ClassificationReport r = metrics.report();
    QCOMPARE(r.samples, std::int64_t(5));
    QVERIFY(near(r.accuracy, 3.0 / 5));
    QVERIFY(near(r.top_k_accuracy, 4.0 / 5));  // only sample 4's class is outside its two likeliest
    QVERIFY((r.confusion == std::vector<std::vector<std::int64_t>>{{2, 1, 0}, {0, 1, 0}, {1, 0, 0}}));
    // Class 0: TP 2, FP 1 (sample 4), FN 1 (sample 2). Class 1: TP 1, FP 1, FN 0. Class 2: never predicted.
    QVERIFY(near(r.classes[0].precision, 2.0 / 3) && near(r.classes[0].recall, 2.0 / 3) &&
            near(r.classes[0].f1, 2.0 / 3));
    QVERIFY(near(r.classes[1].precision, 0.5) && near(r.classes[1].recall, 1.0) && near(r.classes[1].f1, 2.0 / 3));
    QVERIFY(r.classes[2].precision == 0 && r.classes[2].recall == 0 && r.classes[2].f1 == 0);
    QCOMPARE(r.classes[2].predicted, std::int64_t(0));
    QCOMPARE(r.classes[0].support, std::int64_t(3));
    QVERIFY(near(r.macro.precision, 7.0 / 18) && near(r.macro.recall, 5.0 / 9) && near(r.macro.f1, 4.0 / 9));
    QVERIFY(near(r.weighted.precision, 0.5) && near(r.weighted.recall, 0.6) && near(r.weighted.f1, 8.0 / 15));
    QVERIFY(near(r.micro.f1, 0.6) && near(r.micro.precision, 0.6));
    // One class against the rest: class 0's positives 0.9, 0.6, 0.3 beat its negatives 0.2, 0.5 in 5 of 6 pairs.
    QVERIFY(near(*r.classes[0].roc_auc, 5.0 / 6));
    QVERIFY(near(*r.classes[1].roc_auc, 1.0) && near(*r.classes[2].roc_auc, 1.0));
    QVERIFY(near(*r.roc_auc, (5.0 / 6 + 2) / 3));
    // Five bins of 0.2: [0.4, 0.6) holds 0.5 (wrong): |0 - 0.5|; [0.6, 0.8) holds 0.6 (right) and 0.7 (wrong):
    // |1 - 1.3|; [0.8, 1] holds 0.8 and 0.9 (both right): |2 - 1.7|. ECE = (0.5 + 0.3 + 0.3) / 5.
    QVERIFY2(near(r.expected_calibration_error, 1.1 / 5),
             qPrintable(QString::number(r.expected_calibration_error, 'g', 17)));
  }

  void batchesAccumulateToTheWholeSplit() {
    ClassificationMetrics whole(3, 2, 5), batched(3, 2, 5);
    whole.add(kProbabilities, kLabels);
    batched.add({kProbabilities.begin(), kProbabilities.begin() + 6}, {0, 0});
    batched.add({kProbabilities.begin() + 6, kProbabilities.end()}, {0, 1, 2});
    const auto a = whole.report(), b = batched.report();
    QVERIFY(a.confusion == b.confusion);
    QVERIFY(near(a.macro.f1, b.macro.f1) && near(a.expected_calibration_error, b.expected_calibration_error));
    QVERIFY(near(*a.roc_auc, *b.roc_auc));
  }

  void binaryRocAucCountsTiesHalf() {
    // Positives score 0.8 and 0.3, negatives 0.8 and 0.1: pairs 0.8/0.8 (tie, 1/2), 0.8/0.1, 0.3/0.8 (lost), 0.3/0.1.
    ClassificationMetrics metrics(2, 1, 10);
    metrics.add({0.2, 0.8, 0.2, 0.8, 0.7, 0.3, 0.9, 0.1}, {1, 0, 1, 0});
    const auto r = metrics.report();
    QVERIFY(near(*r.roc_auc, 2.5 / 4));
    QVERIFY(near(*r.roc_auc, *r.classes[1].roc_auc));
    QVERIFY(!roc_auc({0.1, 0.2}, {true, true}));  // no negatives: undefined
  }

  void singleClassAndEmptyInputGiveNoNaN() {
    ClassificationMetrics one(1);
    one.add({1.0, 1.0}, {0, 0});
    const auto r = one.report();
    QVERIFY(near(r.accuracy, 1.0) && near(r.classes[0].f1, 1.0) && near(r.top_k_accuracy, 1.0));
    QCOMPARE(r.top_k, std::int64_t(1));            // k never exceeds the classes
    QVERIFY(!r.roc_auc && !r.classes[0].roc_auc);  // nothing to rank against
    QVERIFY(near(r.expected_calibration_error, 0.0));

    const auto empty = ClassificationMetrics(4).report();
    QCOMPARE(empty.samples, std::int64_t(0));
    QVERIFY(empty.accuracy == 0 && empty.macro.f1 == 0 && empty.weighted.f1 == 0 &&
            empty.expected_calibration_error == 0);
    QVERIFY(!empty.roc_auc);
    QVERIFY(!std::isnan(empty.macro.precision));
  }

  void refusesMismatchedInput() {
    ClassificationMetrics metrics(3);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, metrics.add({0.5, 0.5}, {0}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, metrics.add({0.2, 0.3, 0.5}, {3}));
  }
};

CRADLE_REGISTER_TEST(ClassificationMetricsTest);

}  // namespace cradle::test

#include "classification_metrics_test.moc"
