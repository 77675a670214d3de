#pragma once
// `cradle-cli serve BUNDLE`: an HTTP/JSON service for a model bundle (issue 11),
// on cpp-httplib —
//   GET  /v1/health    {"status": "ok"}
//   GET  /v1/model     bundle.json, the model card and the request schemas
//   POST /v1/predict   {"inputs": [...], "top_k": 3}: base64 image files or texts -> labels and probabilities
//   POST /v1/generate  {"prompt": "...", ...sampling..., "stream": false} -> the continuation; with "stream" the
//                      pieces as they come, one JSON object per line (chunked)
//   GET  /metrics      Prometheus text: requests by endpoint and code, latency histograms
// A bounded worker pool answers; requests waiting for the model beyond
// `max_waiting` get 503. Bodies over `max_body_bytes` get 413, malformed JSON,
// unknown fields, wrong types and unreadable inputs 400, unknown paths 404,
// wrong methods 405 — always with {"error": "..."} — and none of them stops
// the service. Slow and greedy clients are held off by GuardedHttpServer
// (408, 429, 431). A prompt longer than the model's context is 400; a
// generation without a "seed" gets a fresh one, reported in the answer. The model answers one request at a time (its intra-op threads
// work on each); the key/value cache of a generation is the request's own.
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
  ConnectionGuard guard;  // slow clients, connections per client address, the listen backlog
};

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
