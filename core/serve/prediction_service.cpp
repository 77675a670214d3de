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
#include "core/run/run_chat_format.h"
#include "core/run/run_text_generator.h"
#include "core/serve/generation_scheduler.h"
#include "core/serve/guarded_http_server.h"
#include "core/serve/openai_endpoints.h"
#include "core/serve/prediction_batcher.h"
#include "core/serve/sample_requests.h"
#include "core/serve/service_metrics.h"
#include "core/serve/service_requests.h"

namespace cradle {
namespace {

// See State::check_prompt: a bound on the reading work, generous enough that
// no prompt within the context is refused by it (sentencepiece tokens average
// about 4 bytes of English and 6 to 9 of Chinese).
constexpr std::size_t kPromptBytesPerToken = 16;

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
  std::unique_ptr<GenerationScheduler> scheduler;  // language models
  std::unique_ptr<OpenAiEndpoints> openai;         // language models
  std::unique_ptr<PredictionBatcher> batcher;      // classifiers and regressors
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

  SamplingOptions sampling(const GenerateBody& body) const {
    SamplingOptions s;
    s.max_new_tokens = body.max_tokens;
    s.temperature = body.temperature;
    s.top_k = body.top_k;
    s.top_p = body.top_p;
    s.repetition_penalty = body.repetition_penalty;
    s.seed = *body.seed;
    return s;
  }

  PredictInputs inputs_kind() const {
    return bundle.input.kind == "image"   ? PredictInputs::Images
           : bundle.input.kind == "table" ? PredictInputs::Rows
                                          : PredictInputs::Texts;
  }
  void describe_model();
  void require_api_key();
  void start_generation();
  void start_prediction();
  std::vector<std::vector<BundlePrediction>> predict_together(const std::vector<const PredictBody*>& bodies);
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
  s.require_api_key();
  s.route_errors_and_status();
  if (s.bundle.experiment.task == Task::LanguageModel)
    s.start_generation();
  else
    s.start_prediction();
  s.route_predict();
  s.route_generate();
}

bool same_secret(const std::string& given, const std::string& expected) {
  // Every byte of the longer is looked at whatever differs, so the time tells nothing but the lengths.
  const std::size_t n = std::max(given.size(), expected.size());
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<unsigned char>(i < given.size() ? given[i] : 0);
    const auto b = static_cast<unsigned char>(i < expected.size() ? expected[i] : 0);
    difference = static_cast<unsigned char>(difference | (a ^ b));
  }
  return difference == 0;
}

// With an API key, every request but the health check must carry it: 401 in OpenAI's shape otherwise.
void PredictionService::State::require_api_key() {
  if (options.api_key.empty()) return;
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/v1/health") return httplib::Server::HandlerResponse::Unhandled;
    const std::string authorization = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    const bool bearer = authorization.compare(0, prefix.size(), prefix) == 0;
    if (bearer && same_secret(authorization.substr(prefix.size()), options.api_key))
      return httplib::Server::HandlerResponse::Unhandled;
    res.status = 401;
    res.set_content(openai_error_body(401,
                                      bearer ? "Incorrect API key provided"
                                             : "You didn't provide an API key: send \"Authorization: Bearer KEY\"",
                                      "", "invalid_api_key"),
                    kJson);
    res.set_header("WWW-Authenticate", "Bearer");
    metrics.record("other", 401, 0);
    return httplib::Server::HandlerResponse::Handled;
  });
}

// Language models: one scheduler batches every generation; OpenAI's endpoints go through it too.
void PredictionService::State::start_generation() {
  TextGenerator generator =
      model_text_generator(bundle.model, bundle.tokenizer, bundle.input.shape.at(0), bundle.experiment.model);
  SchedulerOptions scheduling;
  scheduling.max_batch = options.max_batch;
  scheduling.max_waiting = static_cast<std::size_t>(std::max(1, options.max_waiting));
  scheduler = std::make_unique<GenerationScheduler>(std::move(generator), scheduling, &metrics);
  OpenAiModel model;
  model.id = served_model_id(bundle);
  model.context = bundle.input.shape.at(0);
  model.created =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (bundle.chat) model.chat = run_chat_format(bundle.experiment.model, bundle.tokenizer);
  OpenAiLimits limits;
  limits.max_tokens = options.max_tokens;
  limits.default_max_tokens = std::min<std::int64_t>(256, options.max_tokens);
  openai = std::make_unique<OpenAiEndpoints>(model, *scheduler, metrics, limits);
  openai->install(server);
}

void PredictionService::State::start_prediction() {
  batcher = std::make_unique<PredictionBatcher>(
      [this](const std::vector<const PredictBody*>& bodies) { return predict_together(bodies); }, options.batch_window,
      options.max_batch_inputs, options.max_waiting, &metrics);
}

// Every body's inputs through the model at once, each named by its place in its own request.
std::vector<std::vector<BundlePrediction>> PredictionService::State::predict_together(
    const std::vector<const PredictBody*>& bodies) {
  const PredictInputs kind = inputs_kind();
  std::int64_t top_k = 1;
  for (const auto* body : bodies) top_k = std::max(top_k, body->top_k);
  std::vector<BundlePrediction> all;
  if (kind == PredictInputs::Images) {
    std::vector<EncodedImage> encoded;
    for (const auto* body : bodies)
      for (std::size_t i = 0; i < body->inputs.size(); ++i)
        encoded.push_back({"inputs[" + std::to_string(i) + "]", body->inputs[i]});
    all = predict_image_bytes(bundle, encoded, top_k);
  } else if (kind == PredictInputs::Rows) {
    std::vector<CsvTable> rows;
    std::vector<std::string> names;
    for (const auto* body : bodies)
      for (std::size_t i = 0; i < body->rows.size(); ++i) {
        CsvTable table;  // one row, its header the object's keys
        table.rows.emplace_back();
        for (const auto& [column, cell] : body->rows[i]) {
          table.header.push_back(column);
          table.rows.back().push_back(cell);
        }
        names.push_back("inputs[" + std::to_string(i) + "]");
        rows.push_back(std::move(table));
      }
    all = predict_table_records(bundle, rows, names, top_k);
  } else {
    std::vector<std::string> texts;
    for (const auto* body : bodies) texts.insert(texts.end(), body->inputs.begin(), body->inputs.end());
    all = classify_texts(bundle, texts, top_k);
  }
  std::vector<std::vector<BundlePrediction>> split;
  std::size_t next = 0;
  for (const auto* body : bodies) {
    split.emplace_back();
    for (std::size_t i = 0; i < body->inputs.size() + body->rows.size(); ++i) {
      BundlePrediction p = std::move(all.at(next++));
      if (static_cast<std::int64_t>(p.top.size()) > body->top_k) p.top.resize(static_cast<std::size_t>(body->top_k));
      split.back().push_back(std::move(p));
    }
  }
  return split;
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
  if (language_model) {  // OpenAI's API beside it, for the clients that speak it (core/serve/openai_endpoints.h)
    Json openai = {
        {"model", served_model_id(bundle)}, {"models", "GET /v1/models"}, {"completions", "POST /v1/completions"}};
    if (bundle.chat) openai["chat"] = "POST /v1/chat/completions";
    model_description["openai"] = openai;
  } else
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
        res.status == 413 ? "the body is larger than " + std::to_string(options.max_body_bytes) + " bytes"
        : res.status == 404
            ? "no such endpoint: " + req.method + " " + req.path +
                  " (GET /v1/health, GET /v1/model, POST /v1/predict, POST /v1/generate, GET /metrics;"
                  " language models also GET /v1/models, POST /v1/chat/completions, POST /v1/completions)"
            : "the request could not be read (" + std::to_string(res.status) + ")";
    const int status = res.status;
    refuse(res, status, message);
    // Unknown paths share one label: a client sending random paths must not grow the metrics without bound.
    static const std::set<std::string> known = {
        "/v1/health",           "/v1/model",       "/v1/predict", "/v1/generate",
        "/v1/chat/completions", "/v1/completions", "/v1/models",  "/metrics"};
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

// POST /v1/predict: classes (or a number) for images, table rows or texts, batched with concurrent requests.
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
                  try {
                    predictions = batcher->predict(body);
                  } catch (const SchedulerBusy& busy) {
                    return refuse(res, 503, busy.what());
                  }
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

namespace {

// The prompt of a /v1/generate request as the bundle's generation writes it (core/export/bundle_prediction.h).
std::vector<std::int64_t> generate_prompt_ids(const ModelBundle& bundle, const TextGenerator& generator,
                                              const std::string& prompt) {
  return bundle.chat ? user_turn_prompt(bundle.experiment.model, bundle.tokenizer, prompt)
                     : generator.prompt_ids(prompt);
}

}  // namespace

// POST /v1/generate: text from a language model, whole or streamed as NDJSON, batched with every other generation.
void PredictionService::State::route_generate() {
  const bool language_model = bundle.experiment.task == Task::LanguageModel;
  server.Post("/v1/generate", [this, language_model](const httplib::Request& req, httplib::Response& res) {
    GenerateBody body;
    auto channel = std::make_shared<GenerationChannel>();
    handle("/v1/generate", res, [&] {
      if (!language_model) throw RequestError("this bundle is not a language model: use POST /v1/predict");
      body = parse_generate_body(req.body, options.max_tokens);
      check_prompt(body.prompt);
      if (!body.seed) body.seed = fresh_generation_seed();  // told in the answer, so a good text can be had again
      std::vector<GenerationChoice> choice(1);
      choice[0].prompt = generate_prompt_ids(bundle, scheduler->generator(), body.prompt);
      choice[0].options = sampling(body);
      if (bundle.chat)
        choice[0].options.end_ids = run_chat_format(bundle.experiment.model, bundle.tokenizer)->end_ids();
      try {
        scheduler->submit(channel, std::move(choice), body.stream);
      } catch (const SchedulerBusy& busy) {
        return refuse(res, 503, busy.what());
      }
      if (body.stream) return;  // res.status stays -1: answered below, recorded when the stream ends
      for (;;) {
        GenerationEvent e;
        if (!channel->pop(e, std::chrono::milliseconds(1000))) continue;
        if (!e.error.empty()) throw std::runtime_error(e.error);
        if (!e.finished) continue;
        BundlePrediction p;
        p.input = body.prompt;
        p.generation = std::move(e.generation);
        Json out = prediction_to_json(p);
        out["seed"] = *body.seed;
        return answer(res, 200, out);
      }
    });
    if (!body.stream || res.status != -1) return;
    // Streamed: each piece as a line {"piece": "..."} as soon as it is known, then the summary line with "done".
    const auto start = GuardedHttpServer::request_arrival();
    res.status = 200;
    res.set_chunked_content_provider(
        "application/x-ndjson",
        [body, channel](std::size_t, httplib::DataSink& sink) {
          for (;;) {
            GenerationEvent e;
            if (!channel->pop(e, std::chrono::milliseconds(1000))) continue;
            Json line;
            if (!e.error.empty()) {
              line = Json{{"error", e.error}, {"done", true}};
            } else if (e.finished) {
              BundlePrediction p;
              p.input = body.prompt;
              p.generation = std::move(e.generation);
              line = prediction_to_json(p);
              line["seed"] = *body.seed;
              line["done"] = true;
            } else {
              line = Json{{"piece", e.piece}};
            }
            const std::string text = json_text(line) + "\n";
            if (!sink.write(text.data(), text.size())) {
              channel->cancel();  // the client left: generation stops
              return false;
            }
            if (line.contains("done")) break;
          }
          sink.done();
          return true;
        },
        [this, start, channel](bool) {  // after the stream, finished or cut off
          channel->cancel();
          metrics.record("/v1/generate", 200, seconds_since(start));
        });
  });
}

PredictionService::~PredictionService() {
  stop();
  state_->scheduler.reset();  // its thread ends before the model it runs goes
}

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
