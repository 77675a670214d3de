#include "core/serve/prediction_service.h"

#include <httplib.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/export/bundle_prediction.h"
#include "core/serve/guarded_http_server.h"
#include "core/serve/service_metrics.h"
#include "core/serve/service_requests.h"

namespace cradle {
namespace {

// See State::check_prompt: a bound on the reading work, generous enough that
// no prompt within the context is refused by it (sentencepiece tokens average
// about 4 bytes of English and 6 to 9 of Chinese).
constexpr std::size_t kPromptBytesPerToken = 16;

std::uint64_t fresh_seed() {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mutex);
  return generator() >> 1;  // below 2^63: a seed a client can send back as a JSON integer
}

constexpr const char* kJson = "application/json";

// Bytes that are not UTF-8 (in a generated piece, or echoed from a request in
// an error message) become U+FFFD rather than failing the whole answer.
std::string json_text(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

void answer(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(json_text(body) + "\n", kJson);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void refuse(httplib::Response& res, int status, const std::string& message) {
  answer(res, status, Json{{"error", message}});
}

}  // namespace

struct PredictionService::State {
  State(ModelBundle b, ServiceOptions o) : bundle(std::move(b)), options(o), server(o.guard, o.threads) {}
  ModelBundle bundle;
  ServiceOptions options;
  GuardedHttpServer server;
  ServiceMetrics metrics;
  std::mutex model;             // one request at a time uses the model
  std::atomic<int> waiting{0};  // requests holding or waiting for it
  Json model_description;
  int port = 0;

  // Times a handler and records its outcome; the model's errors become 4xx/5xx answers.
  void handle(const std::string& endpoint, httplib::Response& res, const std::function<void()>& body) {
    const auto start = GuardedHttpServer::request_arrival();
    try {
      body();
    } catch (const RequestError& error) {
      refuse(res, 400, error.what());
    } catch (const ConfigError& error) {
      refuse(res, 400, error.what());
    } catch (const std::exception& error) {
      refuse(res, 500, std::string("the model failed on this request: ") + error.what());
    }
    if (res.status == -1) return;  // no answer yet: a stream, recorded when it ends
    metrics.record(endpoint, res.status, seconds_since(start));
  }

  // Holds the model for `work`, or answers 503 when too many requests wait for it.
  bool with_model(httplib::Response& res, const std::function<void()>& work) {
    if (waiting.fetch_add(1) >= options.max_waiting) {
      waiting.fetch_sub(1);
      refuse(
          res, 503,
          "busy: " + std::to_string(options.max_waiting) + " requests are already waiting for the model; retry later");
      return false;
    }
    try {
      std::lock_guard<std::mutex> lock(model);
      work();
    } catch (...) {
      waiting.fetch_sub(1);
      throw;
    }
    waiting.fetch_sub(1);
    return true;
  }

  SamplingOptions sampling(const GenerateBody& body) const {
    SamplingOptions s;
    s.max_new_tokens = body.max_tokens;
    s.temperature = body.temperature;
    s.top_k = body.top_k;
    s.top_p = body.top_p;
    s.repetition_penalty = body.repetition_penalty;
    s.seed = body.seed ? *body.seed : fresh_seed();
    return s;
  }

  PredictInputs inputs_kind() const {
    return bundle.input.kind == "image"   ? PredictInputs::Images
           : bundle.input.kind == "table" ? PredictInputs::Rows
                                          : PredictInputs::Texts;
  }
  void describe_model();
  void route_errors_and_status();
  void route_predict();
  void route_generate();

  // A prompt longer than the model's context would be cut to its last context
  // of tokens anyway, and a huge one held the model for as long as it took to
  // read (41 s for 7 MB). The byte bound is checked before tokenising, so no
  // megabytes are tokenised; the token count after.
  void check_prompt(const std::string& prompt) const {
    const std::int64_t context = bundle.input.shape.at(0);
    const std::size_t bytes = static_cast<std::size_t>(context) * kPromptBytesPerToken;
    if (prompt.size() > bytes)
      throw RequestError("\"prompt\" is " + std::to_string(prompt.size()) + " bytes; this model reads at most " +
                         std::to_string(context) + " tokens of context, so prompts are limited to " +
                         std::to_string(bytes) + " bytes");
    const auto tokens = static_cast<std::int64_t>(bundle.tokenizer->encode(prompt).size());
    if (tokens > context)
      throw RequestError("\"prompt\" is " + std::to_string(tokens) + " tokens; this model reads at most " +
                         std::to_string(context) + " tokens of context");
  }
};

PredictionService::PredictionService(ModelBundle bundle, ServiceOptions options)
    : state_(std::make_unique<State>(std::move(bundle), options)) {
  State& s = *state_;
  if (options.guard.max_connections_per_client >= options.threads)
    throw ConfigError("serve: connections per client (" + std::to_string(options.guard.max_connections_per_client) +
                      ") must be below the connections served at once (" + std::to_string(options.threads) + ")");
  s.describe_model();
  s.route_errors_and_status();
  s.route_predict();
  s.route_generate();
}

// GET /v1/model: the bundle's manifest and card, and what a request looks like.
void PredictionService::State::describe_model() {
  const bool language_model = bundle.experiment.task == Task::LanguageModel;
  const bool images = bundle.input.kind == "image";
  const PredictInputs inputs_kind = this->inputs_kind();
  model_description = Json{{"bundle", bundle.manifest}};
  const auto card = bundle.dir / bundle.card_file;
  if (std::filesystem::exists(card)) model_description["card"] = read_file(card);
  if (language_model)
    model_description["request"] = Json{{"endpoint", "POST /v1/generate"},
                                        {"body",
                                         {{"prompt", "string"},
                                          {"max_tokens", "1.." + std::to_string(options.max_tokens)},
                                          {"temperature", ">= 0"},
                                          {"top_k", ">= 0"},
                                          {"top_p", "(0, 1]"},
                                          {"repetition_penalty", "> 0"},
                                          {"seed", ">= 0"},
                                          {"stream", "boolean"}}}};
  else
    model_description["request"] = Json{
        {"endpoint", "POST /v1/predict"},
        {"body",
         {{"inputs", images                               ? "array of base64-encoded PNG, JPEG or BMP files"
                     : inputs_kind == PredictInputs::Rows ? "array of objects: feature column -> number, string or null"
                                                          : "array of texts"},
          {"top_k", "1..1000"}}},
        {"max_inputs", options.max_inputs}};
}

// What httplib answers on its own, the status endpoints, and the wrong methods.
void PredictionService::State::route_errors_and_status() {
  server.on_refused = [this](int status) { metrics.record("other", status, 0); };
  server.set_payload_max_length(options.max_body_bytes);
  server.set_read_timeout(options.timeout_seconds, 0);
  server.set_write_timeout(options.timeout_seconds, 0);
  // Whatever httplib answers on its own (413, 404, 400 for a broken request) gets a JSON body too.
  server.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string message =
        res.status == 413   ? "the body is larger than " + std::to_string(options.max_body_bytes) + " bytes"
        : res.status == 404 ? "no such endpoint: " + req.method + " " + req.path +
                                  " (GET /v1/health, GET /v1/model, POST /v1/predict, POST /v1/generate, GET /metrics)"
                            : "the request could not be read (" + std::to_string(res.status) + ")";
    const int status = res.status;
    refuse(res, status, message);
    // Unknown paths share one label: a client sending random paths must not grow the metrics without bound.
    static const std::set<std::string> known = {"/v1/health", "/v1/model", "/v1/predict", "/v1/generate", "/metrics"};
    metrics.record(known.count(req.path) ? req.path : "other", status, 0);
  });
  server.Get("/v1/health", [this](const httplib::Request&, httplib::Response& res) {
    handle("/v1/health", res, [&] {
      answer(res, 200, Json{{"status", "ok"}, {"model", bundle.manifest.value("experiment", "")}});
    });
  });
  server.Get("/v1/model", [this](const httplib::Request&, httplib::Response& res) {
    handle("/v1/model", res, [&] { answer(res, 200, model_description); });
  });
  server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.prometheus_text(), "text/plain; version=0.0.4");
    metrics.record("/metrics", 200, seconds_since(GuardedHttpServer::request_arrival()));
  });
  for (const char* path : {"/v1/predict", "/v1/generate"})
    server.Get(path, [this, path](const httplib::Request&, httplib::Response& res) {
      handle(path, res, [&] { refuse(res, 405, std::string(path) + " takes POST with a JSON body"); });
    });
  for (const char* path : {"/v1/health", "/v1/model", "/metrics"})
    server.Post(path, [this, path](const httplib::Request&, httplib::Response& res) {
      handle(path, res, [&] { refuse(res, 405, std::string(path) + " takes GET"); });
    });
}

// POST /v1/predict: classes (or a number) for images, table rows or texts.
void PredictionService::State::route_predict() {
  const bool language_model = bundle.experiment.task == Task::LanguageModel;
  const bool images = bundle.input.kind == "image";
  const PredictInputs inputs_kind = this->inputs_kind();
  server.Post("/v1/predict",
              [this, language_model, images, inputs_kind](const httplib::Request& req, httplib::Response& res) {
                handle("/v1/predict", res, [&] {
                  if (language_model) throw RequestError("this bundle is a language model: use POST /v1/generate");
                  const PredictBody body = parse_predict_body(req.body, inputs_kind, options.max_inputs);
                  std::vector<BundlePrediction> predictions;
                  if (!with_model(res, [&] {
                        if (images) {
                          std::vector<EncodedImage> encoded;
                          for (std::size_t i = 0; i < body.inputs.size(); ++i)
                            encoded.push_back({"inputs[" + std::to_string(i) + "]", body.inputs[i]});
                          predictions = predict_image_bytes(bundle, encoded, body.top_k);
                        } else if (inputs_kind == PredictInputs::Rows) {
                          std::vector<CsvTable> rows;
                          std::vector<std::string> names;
                          for (const auto& record : body.rows) {
                            CsvTable table;  // one row, its header the object's keys
                            table.rows.emplace_back();
                            for (const auto& [column, cell] : record) {
                              table.header.push_back(column);
                              table.rows.back().push_back(cell);
                            }
                            names.push_back("inputs[" + std::to_string(rows.size()) + "]");
                            rows.push_back(std::move(table));
                          }
                          predictions = predict_table_records(bundle, rows, names, body.top_k);
                        } else {
                          predictions = classify_texts(bundle, body.inputs, body.top_k);
                        }
                      }))
                    return;
                  Json out = Json::array();
                  for (const auto& p : predictions) {
                    if (!p.error.empty()) throw RequestError(p.error);
                    Json one = prediction_to_json(p);
                    if (images) one.erase("input");  // the bytes themselves: no use echoing them
                    out.push_back(one);
                  }
                  answer(res, 200, Json{{"predictions", out}});
                });
              });
}

// POST /v1/generate: text from a language model, whole or streamed as NDJSON.
void PredictionService::State::route_generate() {
  const bool language_model = bundle.experiment.task == Task::LanguageModel;
  server.Post("/v1/generate", [this, language_model](const httplib::Request& req, httplib::Response& res) {
    GenerateBody body;
    bool stream = false;
    handle("/v1/generate", res, [&] {
      if (!language_model) throw RequestError("this bundle is not a language model: use POST /v1/predict");
      body = parse_generate_body(req.body, options.max_tokens);
      check_prompt(body.prompt);
      if (!body.seed) body.seed = fresh_seed();  // told in the answer, so a good text can be had again
      if (body.stream) {
        stream = true;
        return;
      }
      BundlePrediction p;
      if (!with_model(res, [&] { p = generate_text(bundle, body.prompt, sampling(body)); })) return;
      Json out = prediction_to_json(p);
      out["seed"] = *body.seed;
      answer(res, 200, out);
    });
    if (!stream) return;
    // Streamed: each piece as a line {"piece": "..."} as soon as it is known, then the summary line with "done".
    if (waiting.fetch_add(1) >= options.max_waiting) {
      waiting.fetch_sub(1);
      refuse(res, 503, "busy: retry later");
      return;
    }
    const auto start = GuardedHttpServer::request_arrival();
    res.status = 200;
    res.set_chunked_content_provider(
        "application/x-ndjson",
        [this, body](std::size_t, httplib::DataSink& sink) {
          Json last;
          try {
            std::lock_guard<std::mutex> lock(model);
            const BundlePrediction p =
                generate_text(bundle, body.prompt, sampling(body), [&sink](const std::string& piece) {
                  const std::string line = json_text(Json{{"piece", piece}}) + "\n";
                  return sink.write(line.data(), line.size());  // false: the client left; generation stops
                });
            last = prediction_to_json(p);
            last["seed"] = *body.seed;
            last["done"] = true;
          } catch (const std::exception& error) {
            last = Json{{"error", std::string("the model failed on this request: ") + error.what()}, {"done", true}};
          }
          const std::string line = json_text(last) + "\n";
          sink.write(line.data(), line.size());
          sink.done();
          return true;
        },
        [this, start](bool) {  // after the stream, finished or cut off
          waiting.fetch_sub(1);
          metrics.record("/v1/generate", 200, seconds_since(start));
        });
  });
}

PredictionService::~PredictionService() { stop(); }

int PredictionService::bind() {
  State& s = *state_;
  s.port = s.server.bind_guarded(s.options.host, s.options.port);
  return s.port;
}

void PredictionService::run() { state_->server.listen_after_bind(); }
void PredictionService::stop() { state_->server.shut_down(); }
bool PredictionService::running() const { return state_->server.is_running(); }
std::string PredictionService::metrics_text() const { return state_->metrics.prometheus_text(); }

}  // namespace cradle
