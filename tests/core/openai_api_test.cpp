// `cradle-cli serve`'s OpenAI-compatible API against a real client nobody
// here wrote (OpenAI's official `openai` npm package, run by
// tests/reference/openai_client.mjs), on a tiny Hugging Face chat model and a
// tiny plain one: the model list, plain and streamed answers equal to each
// other and to Cradle's own generation, usage counts, n choices, and the
// client's errors for a bad value, a wrong key, tools and an unknown model.
// Then over plain HTTP: the API key (401, the health check open), server-sent
// events ending in [DONE], fields refused by name, continuous batching seen in
// /metrics, and concurrent sampled requests each answered as if alone.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include <thread>

#include "core/common/file_io.h"
#include "core/eval/text_generation.h"
#include "core/export/model_folder_bundle.h"
#include "core/hub/hub_config.h"
#include "core/hub/hub_end_tokens.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/run_weights.h"
#include "core/serve/prediction_service.h"
#include "core/serve/sample_requests.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/npm_verifiers.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

constexpr const char* kApiKey = "sk-cradle-test-0123456789";

// A service on a free loopback port, served from a thread for the test's life.
struct OpenAiService {
  explicit OpenAiService(const std::filesystem::path& folder, std::string api_key = kApiKey) {
    ServiceOptions options;
    options.port = 0;
    options.api_key = std::move(api_key);
    service = std::make_unique<PredictionService>(open_bundle_or_model_folder(folder), options);
    port = service->bind();
    thread = std::thread([this] { service->run(); });
  }
  ~OpenAiService() {
    service->stop();
    thread.join();
  }
  httplib::Client client(bool with_key = true) const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    if (with_key) c.set_bearer_token_auth(kApiKey);
    return c;
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port) + "/v1"; }
  std::unique_ptr<PredictionService> service;
  int port = 0;
  std::thread thread;
};

namespace {
namespace fs = std::filesystem;

// What Cradle's own generation gives for `prompt` ids: greedy, 12 tokens at most.
Generation expected_reply(const fs::path& folder, const std::vector<std::int64_t>& prompt,
                          const std::vector<std::int64_t>& end_ids) {
  const RunLanguageModel loaded = load_model_folder_language_model(folder);
  const auto tokenizer = std::dynamic_pointer_cast<const HubTokenizer>(loaded.tokenizer);
  TextGenerator generator(
      pretrained_language_model(loaded.model), tokenizer,
      [tokenizer](const std::string& text) { return tokenizer->encode_with_special_tokens(text); }, end_ids);
  SamplingOptions greedy;
  greedy.temperature = 0;
  greedy.max_new_tokens = 12;
  return generator.generate_from(prompt, greedy);
}

std::vector<std::int64_t> encoded(const fs::path& folder, const std::string& text) {
  const auto tokenizer =
      std::dynamic_pointer_cast<const HubTokenizer>(load_model_folder_language_model(folder).tokenizer);
  return tokenizer->encode_with_special_tokens(text);
}

}  // namespace

class OpenAiApiTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  fs::path chat_folder_, plain_folder_;

  // Both answers and the client's view of them and of the errors.
  void check_client_run(const Json& out, const std::string& model, const std::string& object,
                        const Generation& expected, std::size_t prompt_tokens) {
    QVERIFY(out["models"] == Json::array({model}));
    QCOMPARE(out["plain"]["object"].get<std::string>(), object);
    QCOMPARE(out["plain"]["text"].get<std::string>(), expected.text);
    const std::string finish = expected.finish_reason == "length" ? "length" : "stop";
    QCOMPARE(out["plain"]["finish_reason"].get<std::string>(), finish);
    const Json& usage = out["plain"]["usage"];
    QCOMPARE(usage["prompt_tokens"].get<std::size_t>(), prompt_tokens);
    QCOMPARE(usage["completion_tokens"].get<std::size_t>(), expected.tokens.size());
    QCOMPARE(usage["total_tokens"].get<std::size_t>(), prompt_tokens + expected.tokens.size());
    QVERIFY(out["streamed"]["text"] == out["plain"]["text"]);
    QVERIFY(out["streamed"]["finish_reason"] == out["plain"]["finish_reason"]);
    QVERIFY(out["streamed"]["usage"] == usage);
    QVERIFY(out["streamed"]["chunks"].get<int>() >= 2);
    QCOMPARE(out["choices"].size(), std::size_t(2));
    QCOMPARE(out["choices"][1]["index"].get<int>(), 1);
    QCOMPARE(out["bad_temperature"]["status"].get<int>(), 400);
    QCOMPARE(out["bad_temperature"]["param"].get<std::string>(), std::string("temperature"));
    QCOMPARE(out["bad_temperature"]["type"].get<std::string>(), std::string("invalid_request_error"));
    QCOMPARE(out["wrong_key"]["status"].get<int>(), 401);
    QCOMPARE(out["wrong_key"]["code"].get<std::string>(), std::string("invalid_api_key"));
    QCOMPARE(out["tools"]["status"].get<int>(), 400);
    QCOMPARE(out["tools"]["param"].get<std::string>(), std::string("tools"));
    QCOMPARE(out["unknown_model"]["status"].get<int>(), 404);
    QCOMPARE(out["unknown_model"]["code"].get<std::string>(), std::string("model_not_found"));
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    chat_folder_ = fs::path(dir_.path().toStdString()) / "tiny-chat";
    write_tiny_chat_model_folder(chat_folder_);
    plain_folder_ = fs::path(dir_.path().toStdString()) / "tiny-plain";
    write_tiny_chat_model_folder(plain_folder_, "");
  }

  void officialClientChats() {
    OpenAiService running(chat_folder_);
    const auto prompt = encoded(chat_folder_, "<|im_start|>user\nthe cat<|im_end|>\n<|im_start|>assistant\n");
    Generation expected = expected_reply(chat_folder_, prompt, {kTinyImEnd});
    if (!expected.text.empty() && expected.text.front() == ' ') expected.text.erase(0, 1);  // as a chat reply starts
    const Json out = Json::parse(run_node_reference(
        "openai_client.mjs", "openai", {QString::fromStdString(running.base_url()), kApiKey, "tiny-chat", "chat"}));
    check_client_run(out, "tiny-chat", "chat.completion", expected, prompt.size());
    QCOMPARE(out["streamed"]["role"].get<std::string>(), std::string("assistant"));
  }

  void officialClientCompletes() {
    OpenAiService running(plain_folder_);
    const auto prompt = encoded(plain_folder_, "the cat");
    const RunLanguageModel loaded = load_model_folder_language_model(plain_folder_);
    const Json out = Json::parse(
        run_node_reference("openai_client.mjs", "openai",
                           {QString::fromStdString(running.base_url()), kApiKey, "tiny-plain", "completions"}));
    const auto tokenizer = std::dynamic_pointer_cast<const HubTokenizer>(loaded.tokenizer);
    const auto end_ids = hub_end_of_text_ids(plain_folder_, load_hub_config(plain_folder_), *tokenizer);
    check_client_run(out, "tiny-plain", "text_completion", expected_reply(plain_folder_, prompt, end_ids),
                     prompt.size());
    // A model without a chat format refuses chat by name.
    const auto chat = running.client().Post(
        "/v1/chat/completions", R"({"model": "tiny-plain", "messages": [{"role": "user", "content": "hi"}]})",
        "application/json");
    QCOMPARE(chat->status, 400);
    QCOMPARE(Json::parse(chat->body)["error"]["param"].get<std::string>(), std::string("messages"));
  }

  // The key guards everything but the health check; events end in [DONE];
  // fields are refused by name; n choices share the model's steps.
  void keyStreamsRefusalsAndBatching() {
    OpenAiService running(plain_folder_);
    QCOMPARE(running.client(false).Get("/v1/health")->status, 200);
    const auto no_key = running.client(false).Get("/metrics");
    QCOMPARE(no_key->status, 401);
    QVERIFY(Json::parse(no_key->body)["error"]["message"].get<std::string>().find("Bearer") != std::string::npos);
    QVERIFY(!same_secret(std::string(kApiKey) + "0", kApiKey));
    QVERIFY(!same_secret("", kApiKey));
    QVERIFY(same_secret(kApiKey, kApiKey));

    auto client = running.client();
    // The service's own description points at OpenAI's endpoints; this model has no chat format.
    const Json described = Json::parse(client.Get("/v1/model")->body)["openai"];
    QCOMPARE(described["model"].get<std::string>(), std::string("tiny-plain"));
    QCOMPARE(described["completions"].get<std::string>(), std::string("POST /v1/completions"));
    QVERIFY(!described.contains("chat"));
    const auto stream = client.Post(
        "/v1/completions",
        R"({"model": "tiny-plain", "prompt": "the", "max_tokens": 5, "stream": true, "stream_options": {"include_usage": true}})",
        "application/json");
    QCOMPARE(stream->status, 200);
    QCOMPARE(stream->get_header_value("Content-Type"), std::string("text/event-stream"));
    const std::string& events = stream->body;
    QVERIFY2(events.size() > 14 && events.compare(events.size() - 14, 14, "data: [DONE]\n\n") == 0, events.c_str());
    QVERIFY(events.find("\"usage\"") != std::string::npos);

    for (const auto& [body, param] : std::vector<std::pair<std::string, std::string>>{
             {R"({"model": "tiny-plain", "prompt": "x", "logit_bias": {"5": 10}})", "logit_bias"},
             {R"({"model": "tiny-plain", "prompt": "x", "echo": true})", "echo"},
             {R"({"model": "tiny-plain", "prompt": [1, 2]})", "prompt"},
             {R"({"model": "tiny-plain", "prompt": "x", "max_tokens": 0})", "max_tokens"},
             {R"({"model": "tiny-plain", "prompt": "x", "stop": ["a", "b", "c", "d", "e"]})", "stop"},
             {R"({"model": "tiny-plain", "prompt": "x", "stream_options": {"include_usage": true}})", "stream_options"},
             {R"({"model": "tiny-plain", "prompt": "x", "colour": "red"})", "colour"}}) {
      const auto refused = client.Post("/v1/completions", body, "application/json");
      QVERIFY2(refused->status == 400, (body + " -> " + refused->body).c_str());
      QCOMPARE(Json::parse(refused->body)["error"]["param"].get<std::string>(), param);
    }
    // A prompt longer than the model reads: OpenAI's code for it.
    std::string long_prompt;
    for (int i = 0; i < 600; ++i) long_prompt += "the ";
    const auto too_long = client.Post("/v1/completions", Json{{"model", "tiny-plain"}, {"prompt", long_prompt}}.dump(),
                                      "application/json");
    QCOMPARE(too_long->status, 400);
    QCOMPARE(Json::parse(too_long->body)["error"]["code"].get<std::string>(), std::string("context_length_exceeded"));
    QCOMPARE(Json::parse(too_long->body)["error"]["param"].get<std::string>(), std::string("prompt"));
    const auto image = client.Post(
        "/v1/chat/completions",
        R"({"model": "tiny-plain", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]})",
        "application/json");
    QCOMPARE(image->status, 400);
    QVERIFY(image->body.find("image_url") != std::string::npos);

    // Four choices are queued together, so the model's first step holds all four.
    const auto four = client.Post(
        "/v1/completions", R"({"model": "tiny-plain", "prompt": "the", "max_tokens": 6, "n": 4})", "application/json");
    QCOMPARE(four->status, 200);
    QCOMPARE(Json::parse(four->body)["choices"].size(), std::size_t(4));
    const std::string metrics = client.Get("/metrics")->body;
    QVERIFY2(metrics.find("cradle_generation_batch_size_bucket{le=\"4\"}") != std::string::npos, metrics.c_str());
    QVERIFY(metrics.find("cradle_generated_tokens_total") != std::string::npos);
    QVERIFY(metrics.find("cradle_generation_queue_wait_seconds_count") != std::string::npos);
    QVERIFY(running.service->metrics_text().find("cradle_generation_batch_size_bucket{le=\"2\"} ") !=
            std::string::npos);
  }

  // What `cradle-cli serve` prints and the export dialog shows: each curl sample
  // and the JavaScript client's code run against the service (with the key from
  // $CRADLE_API_KEY) and get an answer, not an error.
  void sampleRequestsWork() {
    for (const fs::path& folder : {chat_folder_, plain_folder_}) {
      OpenAiService running(folder);
      const std::string address = "http://127.0.0.1:" + std::to_string(running.port);
      const auto samples = sample_requests(open_bundle_or_model_folder(folder), address, true);
      QCOMPARE(samples.size(), std::size_t(4));
      const QString work = QString::fromStdString((fs::path(dir_.path().toStdString()) / "samples").string());
      QDir().mkpath(work);
      const QString modules = QDir(work).filePath("node_modules");
      QFile::remove(modules);
      QVERIFY(QFile::link(QString::fromStdString((npm_root("openai") / "node_modules").string()), modules));
      for (const auto& sample : samples) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("CRADLE_API_KEY", kApiKey);
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(work);
        if (sample.language == "sh") {
          process.start("bash", {"-c", QString::fromStdString(sample.code)});
        } else if (sample.language == "javascript") {
          const std::string script = (fs::path(work.toStdString()) / "sample.mjs").string();
          write_text_atomically(script, sample.code);
          process.start("node", {QString::fromStdString(script)});
        } else {
          QCOMPARE(sample.language, std::string("python"));  // the client is not installed here: read, not run
          QVERIFY(sample.code.find(address + "/v1") != std::string::npos);
          continue;
        }
        QVERIFY(process.waitForFinished(60000));
        const std::string output = process.readAllStandardOutput().toStdString();
        QVERIFY2(process.exitCode() == 0, (sample.code + "\n" + process.readAllStandardError().toStdString()).c_str());
        QVERIFY2(output.find("\"error\"") == std::string::npos, (sample.code + "\n" + output).c_str());
        if (sample.language == "sh") QVERIFY2(Json::accept(output), (sample.code + "\n" + output).c_str());
      }
    }
  }

  // Eight sampled requests at once, each with its own seed, answer what each answers alone.
  void concurrentRequestsAnswerAsIfAlone() {
    OpenAiService running(plain_folder_);
    const auto body = [](int seed) {
      return Json{{"model", "tiny-plain"}, {"prompt", "the cat"}, {"max_tokens", 10}, {"seed", seed}}.dump();
    };
    std::vector<std::string> alone(8), together(8);
    for (int i = 0; i < 8; ++i)
      alone[i] = Json::parse(
          running.client().Post("/v1/completions", body(i), "application/json")->body)["choices"][0]["text"];
    std::vector<std::thread> clients;
    for (int i = 0; i < 8; ++i)
      clients.emplace_back([&, i] {
        const auto answer = running.client().Post("/v1/completions", body(i), "application/json");
        if (answer && answer->status == 200) together[i] = Json::parse(answer->body)["choices"][0]["text"];
      });
    for (auto& c : clients) c.join();
    QCOMPARE(together, alone);
  }
};

CRADLE_REGISTER_TEST(OpenAiApiTest);

}  // namespace cradle::test

#include "openai_api_test.moc"
