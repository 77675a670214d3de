// The HTTP service over a real loopback socket and a real HTTP client:
// correct answers, a barrage of malformed requests answered 4xx with a JSON
// error and the service still up, concurrent load answered correctly, /metrics.
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/png_encoder.h"
#include "core/data/classification_data.h"
#include "core/export/bundle_prediction.h"
#include "core/export/model_bundle.h"
#include "core/export/model_folder_bundle.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/experiment_run.h"
#include "core/run/run_weights.h"
#include "core/serve/prediction_service.h"
#include "core/serve/service_requests.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

// A service on a free loopback port, served from a thread for the test's life.
struct RunningService {
  explicit RunningService(ModelBundle bundle, ServiceOptions options = {}) {
    options.port = 0;
    service = std::make_unique<PredictionService>(std::move(bundle), options);
    port = service->bind();
    thread = std::thread([this] { service->run(); });
  }
  ~RunningService() {
    service->stop();
    thread.join();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(30, 0);
    return c;
  }
  std::unique_ptr<PredictionService> service;
  int port = 0;
  std::thread thread;
};

std::string base64(const std::string& bytes) { return base64_encode(bytes); }

}  // namespace

class ServeTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  fs::path bundle_;
  std::vector<std::string> images_;    // PNG files of test samples
  std::vector<std::string> expected_;  // the label each should get
  fs::path language_bundle_;           // a character-level LSTM, context 16

 private Q_SLOTS:
  void initTestCase() {
    write_quadrant_dataset(dir_.path(), 200, 12);
    const fs::path root = dir_.path().toStdString();
    const Experiment e =
        load_experiment(write_quadrant_experiment(dir_.path(), R"({"train":{"epochs":3}})").toStdString());
    ExperimentRun(e, root / "run").train();
    bundle_ = root / "bundle";
    export_bundle(root / "run", bundle_);
    ModelBundle bundle = open_bundle(bundle_);
    const ClassificationData data = load_classification_data(e, SplitsToLoad::TestOnly);
    std::vector<EncodedImage> encoded;
    for (int i = 0; i < 12; ++i) {
      const auto pixels = (data.test.inputs[i][0] * data.normalize_std[0] + data.normalize_mean[0])
                              .mul(255)
                              .round()
                              .to(torch::kUInt8)
                              .contiguous();
      images_.push_back(encode_png(pixels.data_ptr<std::uint8_t>(), 8, 8, 1));
      encoded.push_back({"image", images_.back()});
    }
    for (const auto& p : predict_image_bytes(bundle, encoded, 1)) expected_.push_back(p.top.at(0).label);

    std::ofstream(root / "corpus.txt", std::ios::binary) << tiny_grammar_text();
    Json lm = Json::parse(R"({"name": "lm", "task": "language_model", "threads": 2,
      "data": {"source": "text", "records": "separator", "context_length": 16, "test_fraction": 0.1},
      "model": {"type": "lstm", "embedding_size": 16, "hidden_size": 32, "layers": 1},
      "train": {"epochs": 1, "batch_size": 16, "lr": 0.01}})");
    lm["data"]["paths"] = Json::array({(root / "corpus.txt").string()});
    ExperimentRun(parse_experiment(lm), root / "lm-run").train();
    language_bundle_ = root / "lm-bundle";
    export_bundle(root / "lm-run", language_bundle_);
  }

  // Without a seed every generation draws a fresh one and reports it; sent
  // back, it gives the same text. Prompts longer than the context are refused
  // naming the limit (megabytes of them before any tokenising), and a body
  // that is not UTF-8 is a 400 naming the byte, not a 500.
  void generationIsSeededBoundedAndChecked() {
    RunningService running(open_bundle(language_bundle_));
    auto client = running.client();
    const auto post = [&](const std::string& body) { return client.Post("/v1/generate", body, "application/json"); };
    Json request = {{"prompt", "the cat"}, {"max_tokens", 24}};
    const Json first = Json::parse(post(request.dump())->body);
    const Json second = Json::parse(post(request.dump())->body);
    QVERIFY2(first.contains("seed") && second.contains("seed"), first.dump().c_str());
    QVERIFY(first["seed"] != second["seed"]);
    request["seed"] = first["seed"];
    const Json again = Json::parse(post(request.dump())->body);
    QVERIFY(again["text"] == first["text"]);
    QVERIFY(again["seed"] == first["seed"]);
    request["stream"] = true;
    const std::string streamed = post(request.dump())->body;
    const Json last = Json::parse(streamed.substr(streamed.rfind('\n', streamed.size() - 2) + 1));
    QVERIFY(last["seed"] == first["seed"]);
    QVERIFY(last["text"] == first["text"]);

    const auto too_long = post(Json{{"prompt", "the cat sees the ball. the dog"}}.dump());
    QCOMPARE(too_long->status, 400);
    QVERIFY2(too_long->body.find("30 tokens; this model reads at most 16 tokens of context") != std::string::npos,
             too_long->body.c_str());
    const auto start = std::chrono::steady_clock::now();
    const auto huge = post(Json{{"prompt", std::string(7 << 20, 'a')}}.dump());
    QCOMPARE(huge->status, 400);
    QVERIFY2(huge->body.find("prompts are limited to 256 bytes") != std::string::npos, huge->body.c_str());
    qInfo("a 7 MB prompt was refused in %.2f s",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

    const auto broken = post("{\"prompt\": \"caf\xc3\"}");
    QCOMPARE(broken->status, 400);
    QVERIFY2(broken->body.find("not valid UTF-8 at byte 15") != std::string::npos, broken->body.c_str());
    const auto broken_text =
        running.client().Post("/v1/generate", std::string("{\"prompt\": \"\xff\xfe\"}"), "application/json");
    QCOMPARE(broken_text->status, 400);
    QVERIFY(Json::parse(broken_text->body).contains("error"));
  }

  // A Hugging Face model folder served as it is: with a chat template the
  // prompt is the user's turn (the reply is what greedy generation gives
  // after ChatML written out by hand), its README.md is the card; without a
  // template the prompt is continued as text.
  void servesAHuggingFaceModelFolder() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / "tiny-chat";
    write_tiny_chat_model_folder(folder);
    write_text_atomically(folder / "README.md", "# tiny chat\n");
    const RunLanguageModel loaded = load_model_folder_language_model(folder);
    const auto tokenizer = std::dynamic_pointer_cast<const HubTokenizer>(loaded.tokenizer);
    TextGenerator by_hand(pretrained_language_model(loaded.model), tokenizer,
                          [tokenizer](const std::string& text) { return tokenizer->encode_with_special_tokens(text); },
                          {kTinyImEnd});
    SamplingOptions greedy;
    greedy.temperature = 0;
    greedy.max_new_tokens = 8;
    const Json request = {{"prompt", "the cat"}, {"max_tokens", 8}, {"temperature", 0}};
    {
      RunningService running(open_bundle_or_model_folder(folder));
      auto client = running.client();
      const auto model = client.Get("/v1/model");
      QCOMPARE(model->status, 200);
      const Json description = Json::parse(model->body);
      QCOMPARE(description["bundle"]["model_folder"].get<std::string>(), fs::absolute(folder).string());
      QCOMPARE(description["bundle"]["architecture"].get<std::string>(), std::string("LlamaForCausalLM"));
      QVERIFY(description["bundle"]["chat_template"].get<bool>());
      QCOMPARE(description["card"].get<std::string>(), std::string("# tiny chat\n"));
      const auto answer = client.Post("/v1/generate", request.dump(), "application/json");
      QCOMPARE(answer->status, 200);
      const Generation expected = by_hand.generate_from(
          tokenizer->encode_with_special_tokens("<|im_start|>user\nthe cat<|im_end|>\n<|im_start|>assistant\n"),
          greedy);
      QCOMPARE(Json::parse(answer->body)["text"].get<std::string>(), expected.text);
      QCOMPARE(Json::parse(answer->body)["tokens"].get<std::size_t>(), expected.tokens.size());
      QCOMPARE(client.Post("/v1/predict", R"({"inputs": ["x"]})", "application/json")->status, 400);
    }
    const fs::path plain = fs::path(dir_.path().toStdString()) / "tiny-plain";
    write_tiny_chat_model_folder(plain, "");
    RunningService running(open_bundle_or_model_folder(plain));
    const auto answer = running.client().Post("/v1/generate", request.dump(), "application/json");
    QCOMPARE(answer->status, 200);
    QCOMPARE(Json::parse(answer->body)["text"].get<std::string>(), by_hand.generate("the cat", greedy).text);
    QVERIFY_THROWS_EXCEPTION(IoError, open_bundle_or_model_folder(fs::path(dir_.path().toStdString()) / "run"));
  }

  void answersHealthModelAndPredictions() {
    RunningService running(open_bundle(bundle_));
    auto client = running.client();
    auto health = client.Get("/v1/health");
    QVERIFY(health);
    QCOMPARE(health->status, 200);
    QCOMPARE(Json::parse(health->body)["status"].get<std::string>(), std::string("ok"));
    auto model = client.Get("/v1/model");
    QCOMPARE(model->status, 200);
    const Json description = Json::parse(model->body);
    QCOMPARE(description["bundle"]["input"]["kind"].get<std::string>(), std::string("image"));
    QVERIFY(description["card"].get<std::string>().find("# Model card") != std::string::npos);
    Json body = {{"inputs", Json::array()}, {"top_k", 2}};
    for (const auto& image : images_) body["inputs"].push_back(base64(image));
    auto predicted = client.Post("/v1/predict", body.dump(), "application/json");
    QCOMPARE(predicted->status, 200);
    const Json answer = Json::parse(predicted->body);
    QCOMPARE(answer["predictions"].size(), images_.size());
    for (std::size_t i = 0; i < images_.size(); ++i) {
      QCOMPARE(answer["predictions"][i]["label"].get<std::string>(), expected_[i]);
      QCOMPARE(answer["predictions"][i]["top"].size(), size_t(2));
    }
  }

  void survivesAMalformedBarrage() {
    ServiceOptions options;
    options.max_body_bytes = 64 * 1024;
    options.max_inputs = 8;
    RunningService running(open_bundle(bundle_), options);
    auto client = running.client();
    struct Bad {
      const char* method;
      const char* path;
      std::string body;
      int status;
      const char* says;
    };
    const std::string image = base64(images_[0]);
    std::string nine = "{\"inputs\": [";
    for (int i = 0; i < 9; ++i) nine += std::string(i ? "," : "") + "\"" + image + "\"";
    nine += "]}";
    const std::vector<Bad> barrage = {
        {"POST", "/v1/predict", "{bad", 400, "not valid JSON"},
        {"POST", "/v1/predict", "[1, 2]", 400, "must be a JSON object"},
        {"POST", "/v1/predict", "{\"inputs\": [\"x\"], \"top_k\": 444e4400000}", 400,
         "not valid JSON"},  // found by the fuzz target
        {"POST", "/v1/predict", "{\"inputs\": [\"" + image + "\"], \"extra\": 1}", 400, "unknown field \"extra\""},
        {"POST", "/v1/predict", "{}", 400, "\"inputs\" must be an array"},
        {"POST", "/v1/predict", "{\"inputs\": \"x\"}", 400, "\"inputs\" must be an array"},
        {"POST", "/v1/predict", "{\"inputs\": []}", 400, "\"inputs\" is empty"},
        {"POST", "/v1/predict", nine, 400, "at most 8 per request"},
        {"POST", "/v1/predict", "{\"inputs\": [42]}", 400, "inputs[0] must be a string"},
        {"POST", "/v1/predict", "{\"inputs\": [\"@@@@\"]}", 400, "inputs[0]: not base64 at character 0"},
        {"POST", "/v1/predict", "{\"inputs\": [\"aGVsbG8=\"]}", 400, "inputs[0]: not a readable image"},
        {"POST", "/v1/predict", "{\"inputs\": [\"" + image + "\"], \"top_k\": 0}", 400, "\"top_k\" must be from 1"},
        {"POST", "/v1/predict", "{\"inputs\": [\"" + image + "\"], \"top_k\": \"3\"}", 400,
         "\"top_k\" must be a whole number"},
        {"POST", "/v1/generate", "{\"prompt\": \"hi\"}", 400, "not a language model"},
        {"POST", "/v1/predict", "{\"inputs\": [\"" + std::string(100 * 1024, 'A') + "\"]}", 413,
         "larger than 65536 bytes"},
        {"GET", "/v1/predict", "", 405, "takes POST"},
        {"POST", "/v1/health", "{}", 405, "takes GET"},
        {"GET", "/v1/nowhere", "", 404, "no such endpoint"},
        {"DELETE", "/v1/predict", "", 404, "no such endpoint"},
    };
    for (const auto& bad : barrage) {
      httplib::Result result = bad.method == std::string("GET")    ? client.Get(bad.path)
                               : bad.method == std::string("POST") ? client.Post(bad.path, bad.body, "application/json")
                                                                   : client.Delete(bad.path);
      const QString label =
          QString("%1 %2 %3").arg(bad.method, bad.path, QString::fromStdString(bad.body.substr(0, 40)));
      QVERIFY2(result, qPrintable(label + ": no answer"));
      QVERIFY2(result->status == bad.status, qPrintable(label + ": status " + QString::number(result->status)));
      const Json error = Json::parse(result->body);
      QVERIFY2(error["error"].get<std::string>().find(bad.says) != std::string::npos,
               qPrintable(label + ": " + QString::fromStdString(result->body)));
    }
    // A client that sends half a request and leaves does not take the service down either.
    {
      httplib::Client rude("127.0.0.1", running.port);
      rude.set_connection_timeout(1, 0);
      rude.set_read_timeout(1, 0);
      httplib::Headers headers = {{"Content-Length", "1000"}};
      (void)rude.Post("/v1/predict", headers, "{\"inp", "application/json");
    }
    auto health = client.Get("/v1/health");
    QVERIFY(health && health->status == 200);
    const Json ok =
        Json::parse(client.Post("/v1/predict", "{\"inputs\": [\"" + image + "\"]}", "application/json")->body);
    QCOMPARE(ok["predictions"][0]["label"].get<std::string>(), expected_[0]);
  }

  void answersConcurrentLoadCorrectly() {
    ServiceOptions options;
    options.threads = 24;  // 8 clients, each opening a connection per request
    options.max_waiting = 64;
    RunningService running(open_bundle(bundle_), options);
    std::atomic<int> right{0}, wrong{0};
    std::vector<std::thread> clients;
    const int per_client = 25;
    for (int c = 0; c < 8; ++c)
      clients.emplace_back([&, c] {
        auto client = running.client();
        for (int r = 0; r < per_client; ++r) {
          const std::size_t i = static_cast<std::size_t>((c * per_client + r) % 12);
          const auto result =
              client.Post("/v1/predict", Json{{"inputs", {base64(images_[i])}}}.dump(), "application/json");
          const bool correct = result && result->status == 200 &&
                               Json::parse(result->body)["predictions"][0]["label"].get<std::string>() == expected_[i];
          (correct ? right : wrong)++;
        }
      });
    for (auto& t : clients) t.join();
    QCOMPARE(wrong.load(), 0);
    QCOMPARE(right.load(), 8 * per_client);
    // /metrics counts them, in Prometheus' text format.
    const auto metrics = running.client().Get("/metrics");
    QCOMPARE(metrics->status, 200);
    QVERIFY2(
        metrics->body.find("cradle_requests_total{endpoint=\"/v1/predict\",code=\"200\"} 200\n") != std::string::npos,
        metrics->body.c_str());
    QVERIFY(metrics->body.find("cradle_request_duration_seconds_count{endpoint=\"/v1/predict\"} 200\n") !=
            std::string::npos);
    QVERIFY(metrics->body.find("# TYPE cradle_request_duration_seconds histogram") != std::string::npos);
  }

  void refusesWhenTooManyWait() {
    ServiceOptions options;
    options.max_waiting = 0;  // every request for the model is one too many
    RunningService running(open_bundle(bundle_), options);
    const auto result =
        running.client().Post("/v1/predict", Json{{"inputs", {base64(images_[0])}}}.dump(), "application/json");
    QCOMPARE(result->status, 503);
    QVERIFY(Json::parse(result->body)["error"].get<std::string>().find("busy") != std::string::npos);
  }

  void requestBodiesParseStrictly() {
    const auto generate =
        parse_generate_body(R"({"prompt": "hi", "max_tokens": 5, "temperature": 0, "stream": true, "seed": 9})", 100);
    QCOMPARE(generate.prompt, std::string("hi"));
    QCOMPARE(generate.max_tokens, std::int64_t(5));
    QVERIFY(generate.stream);
    QCOMPARE(generate.seed.value_or(0), std::uint64_t(9));
    QVERIFY(!parse_generate_body(R"({"prompt": "hi"})", 100).seed);
    QVERIFY_THROWS_EXCEPTION(RequestError, parse_generate_body(R"({"prompt": "hi", "top_p": 0})", 100));
    QVERIFY_THROWS_EXCEPTION(RequestError, parse_generate_body(R"({"prompt": "hi", "stream": "yes"})", 100));
    // Table rows: numbers written back exactly, null as a missing cell, other types refused by field.
    const auto rows =
        parse_predict_body(R"({"inputs": [{"x": 0.1, "kind": "red", "y": null, "n": -3}]})", PredictInputs::Rows, 4);
    QCOMPARE(rows.rows.size(), std::size_t(1));
    QVERIFY(rows.inputs.empty());
    for (const auto& [column, cell] : rows.rows[0]) {
      if (column == "x") QCOMPARE(std::strtod(cell.c_str(), nullptr), 0.1);
      if (column == "kind") QCOMPARE(cell, std::string("red"));
      if (column == "y") QCOMPARE(cell, std::string());
      if (column == "n") QCOMPARE(cell, std::string("-3"));
    }
    try {
      parse_predict_body(R"({"inputs": [{"x": true}]})", PredictInputs::Rows, 4);
      QFAIL("accepted");
    } catch (const RequestError& error) {
      QCOMPARE(std::string(error.what()), std::string("inputs[0].x must be a number, a string or null"));
    }
    QVERIFY_THROWS_EXCEPTION(RequestError, parse_predict_body(R"({"inputs": ["text"]})", PredictInputs::Rows, 4));
    QVERIFY_THROWS_EXCEPTION(RequestError, parse_predict_body(R"({"inputs": [{"x": 1}]})", PredictInputs::Texts, 4));
    QCOMPARE(decode_base64("aGVsbG8=", "x"), std::string("hello"));
    QCOMPARE(decode_base64("aGk=", "x"), std::string("hi"));
    QCOMPARE(decode_base64("", "x"), std::string());
    QVERIFY_THROWS_EXCEPTION(RequestError, decode_base64("aGk", "x"));
    QVERIFY_THROWS_EXCEPTION(RequestError, decode_base64("a=Gk", "x"));
  }
};

CRADLE_REGISTER_TEST(ServeTest);

}  // namespace cradle::test

#include "serve_test.moc"
