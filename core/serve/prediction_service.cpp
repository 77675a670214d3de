#include "core/serve/prediction_service.h"

#include <httplib.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/export/bundle_prediction.h"
#include "core/serve/service_metrics.h"
#include "core/serve/service_requests.h"

namespace cradle {
namespace {

constexpr const char* kJson = "application/json";

void answer(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", kJson);
}

void refuse(httplib::Response& res, int status, const std::string& message) { answer(res, status, Json{{"error", message}}); }

}  // namespace

struct PredictionService::State {
  ModelBundle bundle;
  ServiceOptions options;
  httplib::Server server;
  ServiceMetrics metrics;
  std::mutex model;                // one request at a time uses the model
  std::atomic<int> waiting{0};     // requests holding or waiting for it
  Json model_description;
  int port = 0;

  // Times a handler and records its outcome; the model's errors become 4xx/5xx answers.
  void handle(const std::string& endpoint, httplib::Response& res, const std::function<void()>& body) {
    const auto start = std::chrono::steady_clock::now();
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
    metrics.record(endpoint, res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  // Holds the model for `work`, or answers 503 when too many requests wait for it.
  bool with_model(httplib::Response& res, const std::function<void()>& work) {
    if (waiting.fetch_add(1) >= options.max_waiting) {
      waiting.fetch_sub(1);
      refuse(res, 503, "busy: " + std::to_string(options.max_waiting) + " requests are already waiting for the model; retry later");
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
    s.seed = body.seed;
    return s;
  }
};

PredictionService::PredictionService(ModelBundle bundle, ServiceOptions options) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.bundle = std::move(bundle);
  s.options = options;
  const bool language_model = s.bundle.experiment.task == "language_model";
  const bool images = s.bundle.input.kind == "image";
  const PredictInputs inputs_kind = images ? PredictInputs::Images : s.bundle.input.kind == "table" ? PredictInputs::Rows : PredictInputs::Texts;
  s.model_description = Json{{"bundle", s.bundle.manifest}};
  const auto card = s.bundle.dir / "MODEL_CARD.md";
  if (std::filesystem::exists(card)) s.model_description["card"] = read_file(card);
  if (language_model)
    s.model_description["request"] = Json{{"endpoint", "POST /v1/generate"},
                                          {"body", {{"prompt", "string"}, {"max_tokens", "1.." + std::to_string(options.max_tokens)},
                                                    {"temperature", ">= 0"}, {"top_k", ">= 0"}, {"top_p", "(0, 1]"},
                                                    {"repetition_penalty", "> 0"}, {"seed", ">= 0"}, {"stream", "boolean"}}}};
  else
    s.model_description["request"] = Json{{"endpoint", "POST /v1/predict"},
                                          {"body", {{"inputs", images ? "array of base64-encoded PNG, JPEG or BMP files"
                                                              : inputs_kind == PredictInputs::Rows ? "array of objects: feature column -> number, string or null"
                                                                                                   : "array of texts"},
                                                    {"top_k", "1..1000"}}},
                                          {"max_inputs", options.max_inputs}};

  auto& server = s.server;
  server.new_task_queue = [threads = options.threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server.set_payload_max_length(options.max_body_bytes);
  server.set_read_timeout(options.timeout_seconds, 0);
  server.set_write_timeout(options.timeout_seconds, 0);
  // Whatever httplib answers on its own (413, 404, 400 for a broken request) gets a JSON body too.
  server.set_error_handler([&s](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string message = res.status == 413 ? "the body is larger than " + std::to_string(s.options.max_body_bytes) + " bytes"
                                : res.status == 404 ? "no such endpoint: " + req.method + " " + req.path +
                                                          " (GET /v1/health, GET /v1/model, POST /v1/predict, POST /v1/generate, GET /metrics)"
                                                    : "the request could not be read (" + std::to_string(res.status) + ")";
    const int status = res.status;
    refuse(res, status, message);
    // Unknown paths share one label: a client sending random paths must not grow the metrics without bound.
    static const std::set<std::string> known = {"/v1/health", "/v1/model", "/v1/predict", "/v1/generate", "/metrics"};
    s.metrics.record(known.count(req.path) ? req.path : "other", status, 0);
  });
  server.Get("/v1/health", [&s](const httplib::Request&, httplib::Response& res) {
    s.handle("/v1/health", res, [&] { answer(res, 200, Json{{"status", "ok"}, {"model", s.bundle.manifest.value("experiment", "")}}); });
  });
  server.Get("/v1/model", [&s](const httplib::Request&, httplib::Response& res) {
    s.handle("/v1/model", res, [&] { answer(res, 200, s.model_description); });
  });
  server.Get("/metrics", [&s](const httplib::Request&, httplib::Response& res) {
    res.set_content(s.metrics.prometheus_text(), "text/plain; version=0.0.4");
    s.metrics.record("/metrics", 200, 0);
  });
  for (const char* path : {"/v1/predict", "/v1/generate"})
    server.Get(path, [&s, path](const httplib::Request&, httplib::Response& res) {
      s.handle(path, res, [&] { refuse(res, 405, std::string(path) + " takes POST with a JSON body"); });
    });
  for (const char* path : {"/v1/health", "/v1/model", "/metrics"})
    server.Post(path, [&s, path](const httplib::Request&, httplib::Response& res) {
      s.handle(path, res, [&] { refuse(res, 405, std::string(path) + " takes GET"); });
    });

  server.Post("/v1/predict", [&s, language_model, images, inputs_kind](const httplib::Request& req, httplib::Response& res) {
    s.handle("/v1/predict", res, [&] {
      if (language_model) throw RequestError("this bundle is a language model: use POST /v1/generate");
      const PredictBody body = parse_predict_body(req.body, inputs_kind, s.options.max_inputs);
      std::vector<BundlePrediction> predictions;
      if (!s.with_model(res, [&] {
            if (images) {
              std::vector<EncodedImage> encoded;
              for (std::size_t i = 0; i < body.inputs.size(); ++i) encoded.push_back({"inputs[" + std::to_string(i) + "]", body.inputs[i]});
              predictions = predict_image_bytes(s.bundle, encoded, body.top_k);
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
              predictions = predict_table_records(s.bundle, rows, names, body.top_k);
            } else {
              predictions = classify_texts(s.bundle, body.inputs, body.top_k);
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

  server.Post("/v1/generate", [&s, language_model](const httplib::Request& req, httplib::Response& res) {
    GenerateBody body;
    bool stream = false;
    s.handle("/v1/generate", res, [&] {
      if (!language_model) throw RequestError("this bundle is not a language model: use POST /v1/predict");
      body = parse_generate_body(req.body, s.options.max_tokens);
      if (body.stream) {
        stream = true;
        return;
      }
      BundlePrediction p;
      if (!s.with_model(res, [&] { p = generate_text(s.bundle, body.prompt, s.sampling(body)); })) return;
      answer(res, 200, prediction_to_json(p));
    });
    if (!stream) return;
    // Streamed: each piece as a line {"piece": "..."} as soon as it is known, then the summary line with "done".
    if (s.waiting.fetch_add(1) >= s.options.max_waiting) {
      s.waiting.fetch_sub(1);
      refuse(res, 503, "busy: retry later");
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    res.status = 200;
    res.set_chunked_content_provider(
        "application/x-ndjson",
        [&s, body](std::size_t, httplib::DataSink& sink) {
          Json last;
          try {
            std::lock_guard<std::mutex> lock(s.model);
            const BundlePrediction p = generate_text(s.bundle, body.prompt, s.sampling(body), [&sink](const std::string& piece) {
              const std::string line = Json{{"piece", piece}}.dump() + "\n";
              return sink.write(line.data(), line.size());  // false: the client left; generation stops
            });
            last = prediction_to_json(p);
            last["done"] = true;
          } catch (const std::exception& error) {
            last = Json{{"error", std::string("the model failed on this request: ") + error.what()}, {"done", true}};
          }
          const std::string line = last.dump() + "\n";
          sink.write(line.data(), line.size());
          sink.done();
          return true;
        },
        [&s, start](bool) {  // after the stream, finished or cut off
          s.waiting.fetch_sub(1);
          s.metrics.record("/v1/generate", 200, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        });
  });
}

PredictionService::~PredictionService() { stop(); }

int PredictionService::bind() {
  State& s = *state_;
  s.port = s.options.port == 0 ? s.server.bind_to_any_port(s.options.host)
                               : (s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1);
  if (s.port <= 0)
    throw IoError(s.options.host + ":" + std::to_string(s.options.port) + ": cannot listen there (in use, or not this machine's address)");
  return s.port;
}

void PredictionService::run() { state_->server.listen_after_bind(); }
void PredictionService::stop() { state_->server.stop(); }
bool PredictionService::running() const { return state_->server.is_running(); }
std::string PredictionService::metrics_text() const { return state_->metrics.prometheus_text(); }

}  // namespace cradle
