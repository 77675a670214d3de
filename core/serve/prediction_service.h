#pragma once
// `cradle-cli serve BUNDLE`: an HTTP/JSON service for a model bundle (issue 11),
// on cpp-httplib —
//   GET  /v1/health    {"status": "ok"}
//   GET  /v1/model     bundle.json, the model card and the request schemas
//   POST /v1/predict   {"inputs": [...], "top_k": 3}: base64 image files or texts -> labels and probabilities
//   POST /v1/generate  {"prompt": "...", ...sampling..., "stream": false} -> the continuation; with "stream" the
//                      pieces as they come, one JSON object per line (chunked)
//   GET  /metrics      Prometheus text: requests by endpoint and code, latency histograms, generation's
//                      queue wait, batch sizes and tokens, classification's batch sizes
// and for language models OpenAI's API (core/serve/openai_endpoints.h):
// /v1/models, /v1/chat/completions, /v1/completions.
// Generation requests share the model through continuous batching
// (core/serve/generation_scheduler.h); classification requests arriving
// within `batch_window` of each other go through it as one batch
// (core/serve/prediction_batcher.h). Too many waiting: 503. Bodies over
// `max_body_bytes` get 413, malformed JSON, unknown fields, wrong types and
// unreadable inputs 400, unknown paths 404, wrong methods 405 — with
// {"error": "..."} (OpenAI's shape on its endpoints) — and none of them stops
// the service. Slow and greedy clients are held off by GuardedHttpServer
// (408, 429, 431). With an API key, requests without it get 401. A prompt
// longer than the model's context is 400; a generation without a "seed" gets
// a fresh one, reported in the answer.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/export/model_bundle.h"
#include "core/serve/guarded_http_server.h"

namespace cradle {

struct ServiceOptions {
  std::string host = "127.0.0.1";
  int port = 8080;       // 0: any free port (see PredictionService::bind)
  int threads = 32;      // connections served at once (the model itself answers one request at a time)
  int max_waiting = 32;  // requests queued for the model before 503
  std::size_t max_body_bytes = 8u << 20;
  int timeout_seconds = 30;  // reading a request, writing an answer
  std::size_t max_inputs = 256;
  std::int64_t max_tokens = 1024;
  ConnectionGuard guard;       // slow clients, connections per client address, the listen backlog
  std::size_t max_batch = 32;  // language models: sequences generated together (continuous batching)
  // Classifiers: inputs arriving within this window go through the model as one batch, at most max_batch_inputs.
  std::chrono::microseconds batch_window{2000};
  std::size_t max_batch_inputs = 64;
  // Non-empty: every request but GET /v1/health must carry "Authorization: Bearer <api_key>" (401 otherwise).
  std::string api_key;
};

// Whether `given` equals `expected`, in time that depends only on their lengths (not on where they differ).
bool same_secret(const std::string& given, const std::string& expected);

class PredictionService {
 public:
  PredictionService(ModelBundle bundle, ServiceOptions options);
  ~PredictionService();
  PredictionService(const PredictionService&) = delete;
  PredictionService& operator=(const PredictionService&) = delete;

  // Binds the listening socket; returns the port (the chosen one for port 0).
  // IoError when the port is in use or the address cannot be bound.
  int bind();
  // Serves until stop() (from any thread).
  void run();
  void stop();
  bool running() const;
  std::string metrics_text() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cradle
