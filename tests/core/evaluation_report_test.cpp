// Regression and language-model metrics against hand-computed values (with
// constant targets and empty input), the PNG encoder and base64 against
// their specifications, and the evaluation report's JSON, HTML and CSV.
#include <QTest>

#include <zlib.h>

#include <cmath>

#include "core/common/png_encoder.h"
#include "core/eval/evaluation_report.h"
#include "core/eval/language_model_metrics.h"
#include "core/eval/regression_metrics.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

bool close_to(double a, double b) { return std::abs(a - b) < 1e-12; }

std::uint32_t read_u32(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

// A finished three-class evaluation, filled by hand.
EvaluationResult small_classification() {
  EvaluationResult r;
  r.run = "/runs/demo";
  r.experiment = "demo";
  r.task = Task::Classification;
  r.model_type = "cnn";
  r.split = "test";
  r.checkpoint = "best";
  r.weights_file = "/runs/demo/checkpoints/best.pt";
  r.class_names = {"cat", "dog", "bird, \"small\""};
  ClassificationMetrics metrics(3, 2);
  metrics.add({0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.6, 0.3, 0.1}, {0, 1, 2});
  r.classification = metrics.report();
  r.samples = 3;
  r.predictions = {{0, 0, 0, 0.7, 0.7}, {1, 1, 1, 0.8, 0.8}, {2, 2, 0, 0.6, 0.1}};
  const std::uint8_t pixels[4] = {0, 255, 255, 0};
  r.confident_mistakes = {{r.predictions[2], encode_png(pixels, 2, 2, 1), ""}};
  r.class_samples = {{r.predictions[0], "", "a <b>cat</b> text"}};
  return r;
}

}  // namespace

class EvaluationReportTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void regressionMetricsByHand() {
    // Targets 1, 2, 3, 4 (mean 2.5, total sum of squares 5); predictions 1.5, 2, 2, 5:
    // residuals 0.5, 0, -1, 1 -> squares 0.25, 0, 1, 1 (sum 2.25), absolutes sum 2.5, sum 0.5.
    RegressionMetrics m;
    m.add({1.5, 2}, {1, 2});
    m.add({2, 5}, {3, 4});  // two batches
    const auto r = m.report();
    QCOMPARE(r.samples, std::int64_t(4));
    QVERIFY(close_to(r.mse, 2.25 / 4));
    QVERIFY(close_to(r.rmse, std::sqrt(2.25 / 4)));
    QVERIFY(close_to(r.mae, 2.5 / 4));
    QVERIFY(close_to(r.r2, 1 - 2.25 / 5));
    QVERIFY(close_to(r.mean_residual, 0.5 / 4));

    RegressionMetrics constant;  // every target 3: R² is 1 for a perfect fit, else 0
    constant.add({3, 3}, {3, 3});
    QCOMPARE(constant.report().r2, 1.0);
    constant.add({4}, {3});
    QCOMPARE(constant.report().r2, 0.0);
    const auto empty = RegressionMetrics().report();
    QVERIFY(empty.samples == 0 && empty.mse == 0 && empty.r2 == 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RegressionMetrics().add({1}, {1, 2}));
  }

  void languageModelMetricsByHand() {
    // 10 tokens with 6.931471805599453 nats in all (ln 2 each would be 0.693...):
    // cross-entropy 0.6931 per token = 1 bit per token; 25 characters -> 10 bits / 25 = 0.4.
    LanguageModelMetrics m;
    m.add(4 * std::log(2.0), 4, 1, 10);
    m.add(6 * std::log(2.0), 6, 2, 15);
    const auto r = m.report();
    QVERIFY(close_to(r.cross_entropy, std::log(2.0)));
    QVERIFY(close_to(r.perplexity, 2.0));
    QVERIFY(close_to(r.bits_per_token, 1.0));
    QVERIFY(close_to(r.bits_per_character, 0.4));
    QVERIFY(close_to(r.token_accuracy, 0.3));
    QCOMPARE(r.sequences, std::int64_t(2));
    const auto empty = LanguageModelMetrics().report();
    QVERIFY(empty.tokens == 0 && empty.perplexity == 1 && empty.bits_per_character == 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LanguageModelMetrics().add(1, 2, 3, 4));
  }

  void pngHoldsThePixels() {
    const std::uint8_t rgb[2 * 3 * 3] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9};  // 3 wide, 2 high
    const std::string png = encode_png(rgb, 3, 2, 3);
    QCOMPARE(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    QCOMPARE(png.substr(12, 4), std::string("IHDR"));
    QCOMPARE(read_u32(png, 16), 3u);  // width
    QCOMPARE(read_u32(png, 20), 2u);  // height
    QCOMPARE(int(png[24]), 8);        // bit depth
    QCOMPARE(int(png[25]), 2);        // truecolour
    // The IHDR chunk's CRC covers its type and data.
    QCOMPARE(read_u32(png, 29), std::uint32_t(crc32(0, reinterpret_cast<const Bytef*>(png.data() + 12), 17)));
    const auto idat_length = read_u32(png, 33);
    QCOMPARE(png.substr(37, 4), std::string("IDAT"));
    std::string raw(2 * (1 + 9), '\0');
    uLongf raw_size = raw.size();
    QCOMPARE(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                        reinterpret_cast<const Bytef*>(png.data() + 41), idat_length),
             Z_OK);
    QCOMPARE(raw_size, uLongf(20));
    QCOMPARE(raw[0], '\0');  // filter: none
    QCOMPARE(raw.substr(1, 9), std::string(reinterpret_cast<const char*>(rgb), 9));
    QCOMPARE(raw.substr(11, 9), std::string(reinterpret_cast<const char*>(rgb) + 9, 9));
    QVERIFY(png.size() >= 12 && png.substr(png.size() - 8, 4) == "IEND");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_png(rgb, 0, 2, 3));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_png(rgb, 3, 2, 2));
  }

  void base64OfTheRfcVectors() {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) QCOMPARE(base64_encode(plain), std::string(encoded));
    QCOMPARE(base64_encode(std::string("\xff\xfe", 2)), std::string("//4="));
  }

  void reportHoldsEveryPart() {
    const auto r = small_classification();
    const Json json = evaluation_to_json(r);
    QCOMPARE(json["split"].get<std::string>(), std::string("test"));
    QCOMPARE(json["checkpoint"]["choice"].get<std::string>(), std::string("best"));
    QCOMPARE(json["samples"].get<std::int64_t>(), std::int64_t(3));
    QVERIFY(close_to(json["metrics"]["accuracy"].get<double>(), 2.0 / 3));
    QCOMPARE(json["confusion_matrix"]["counts"][2][0].get<std::int64_t>(), std::int64_t(1));
    QCOMPARE(json["classes"][2]["name"].get<std::string>(), std::string("bird, \"small\""));
    QCOMPARE(json["confident_mistakes"][0]["predicted"].get<std::string>(), std::string("cat"));

    const std::string html = evaluation_to_html(r);
    QVERIFY(html.find("<title>demo: test split</title>") != std::string::npos);
    QVERIFY(html.find("src='data:image/png;base64,iVBORw0KGgo") != std::string::npos);  // the PNG signature in base64
    QVERIFY(html.find("a &lt;b&gt;cat&lt;/b&gt; text") != std::string::npos);           // text escaped, never markup
    QVERIFY(html.find("<script") == std::string::npos && html.find("http://") == html.find("http://www.w3.org"));
    QVERIFY(html.find("class=confusion") != std::string::npos);
    QVERIFY(html.find("bird, &quot;small&quot;") != std::string::npos);

    const std::string csv = predictions_csv(r);
    QCOMPARE(csv,
             std::string("index,true,predicted,probability,true_probability\n0,cat,cat,0.7,0.7\n1,dog,dog,0.8,0.8\n"
                         "2,\"bird, \"\"small\"\"\",cat,0.6,0.1\n"));
    QCOMPARE(default_evaluation_dir(r).string(), std::string("/runs/demo/evaluation/test-best"));
  }

  void regressionReportDrawsItsCharts() {
    EvaluationResult r;
    r.run = "/runs/houses";
    r.experiment = "houses";
    r.task = Task::Regression;
    r.split = "validation";
    r.checkpoint = "/elsewhere/epoch-0003.pt";
    RegressionMetrics m;
    for (int i = 0; i < 50; ++i) {
      r.regression_points.push_back({i, double(i), i + (i % 2 ? 0.5 : -0.5)});
      m.add({r.regression_points.back().predicted}, {double(i)});
    }
    r.regression = m.report();
    const std::string html = evaluation_to_html(r);
    std::size_t circles = 0;
    for (std::size_t at = html.find("<circle"); at != std::string::npos; at = html.find("<circle", at + 1)) ++circles;
    QCOMPARE(circles, size_t(50));
    QVERIFY(html.find("Residuals") != std::string::npos);
    QVERIFY(predictions_csv(r).rfind("49,49,49.5,0.5\n") != std::string::npos);
    QCOMPARE(default_evaluation_dir(r).string(), std::string("/runs/houses/evaluation/validation-epoch-0003"));
    QVERIFY(close_to(evaluation_to_json(r)["metrics"]["mae"].get<double>(), 0.5));
  }
};

CRADLE_REGISTER_TEST(EvaluationReportTest);

}  // namespace cradle::test

#include "evaluation_report_test.moc"
