// Generation under load (issue 31): a language-model bundle served in this
// process on a loopback port, N client threads each streaming
// POST /v1/completions back to back (32 new tokens, temperature 0.8, a seed
// per request), kept-alive or a new connection per request — first with the
// model answering one sequence at a time (--max-batch 1, what the service did
// before continuous batching), then batched (32), in one run. Prints per
// concurrency requests/s, tokens/s, and the median and 99th-percentile
// latency and time to the first token.
//   build/bench/cradle-bench-serve-generation BUNDLE [REQUESTS_PER_CLIENT]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "bench/processor.h"
#include "core/export/model_bundle.h"
#include "core/serve/prediction_service.h"

namespace {

using BenchClock = std::chrono::steady_clock;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Load {
  std::vector<double> latency_ms, first_token_ms;
  long long tokens = 0;
  int failures = 0;
};

// One streamed completion: its latency, time to the first text, and tokens.
void one_request(httplib::Client& client, const std::string& model, int seed, Load& load) {
  const std::string body = cradle::Json{{"model", model},
                                        {"prompt", "A fortune"},
                                        {"max_tokens", 32},
                                        {"temperature", 0.8},
                                        {"seed", seed},
                                        {"stream", true},
                                        {"stream_options", {{"include_usage", true}}}}
                               .dump();
  const auto start = BenchClock::now();
  double first = -1;
  std::string received;
  httplib::Request request;
  request.method = "POST";
  request.path = "/v1/completions";
  request.body = body;
  request.set_header("Content-Type", "application/json");
  request.content_receiver = [&](const char* data, std::size_t size, std::uint64_t, std::uint64_t) {
    received.append(data, size);
    if (first < 0 && received.find("\"text\":\"") != std::string::npos &&
        received.find("\"text\":\"\"") != received.find("\"text\":\""))
      first = std::chrono::duration<double, std::milli>(BenchClock::now() - start).count();
    return true;
  };
  const auto result = client.send(request);
  if (!result || result->status != 200) {
    ++load.failures;
    return;
  }
  load.latency_ms.push_back(std::chrono::duration<double, std::milli>(BenchClock::now() - start).count());
  if (first >= 0) load.first_token_ms.push_back(first);
  const auto usage = received.rfind("\"completion_tokens\":");
  if (usage != std::string::npos) load.tokens += std::atoll(received.c_str() + usage + 20);
}

void run_service(const std::string& path, std::size_t max_batch, int per_client) {
  cradle::ModelBundle bundle = cradle::open_bundle(path);
  std::string model = bundle.manifest.value("experiment", "");
  cradle::ServiceOptions options;
  options.port = 0;
  options.threads = 80;  // every client its connection: this measures the model, not the per-client bound
  options.guard.max_connections_per_client = 70;
  options.max_waiting = 1024;
  options.max_batch = max_batch;
  cradle::PredictionService service(std::move(bundle), options);
  const int port = service.bind();
  std::thread server([&] { service.run(); });
  std::printf("\n%s (--max-batch %zu)\n", max_batch == 1 ? "one sequence at a time" : "continuous batching", max_batch);
  std::printf("%-10s %7s %9s %10s %10s %10s %10s %10s\n", "connection", "clients", "req/s", "tokens/s", "p50 ms",
              "p99 ms", "TTFT p50", "TTFT p99");
  for (const bool keep_alive : {true, false})
    for (const int clients : {1, 4, 16, 64}) {
      std::vector<Load> loads(static_cast<std::size_t>(clients));
      const auto start = BenchClock::now();
      std::vector<std::thread> threads;
      for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
          httplib::Client client("127.0.0.1", port);
          client.set_keep_alive(keep_alive);
          client.set_read_timeout(120, 0);
          for (int r = 0; r < per_client; ++r)
            one_request(client, model, c * 1000 + r, loads[static_cast<std::size_t>(c)]);
        });
      for (auto& t : threads) t.join();
      const double seconds = std::chrono::duration<double>(BenchClock::now() - start).count();
      Load all;
      for (const auto& l : loads) {
        all.latency_ms.insert(all.latency_ms.end(), l.latency_ms.begin(), l.latency_ms.end());
        all.first_token_ms.insert(all.first_token_ms.end(), l.first_token_ms.begin(), l.first_token_ms.end());
        all.tokens += l.tokens;
        all.failures += l.failures;
      }
      std::printf("%-10s %7d %9.1f %10.0f %10.1f %10.1f %10.1f %10.1f%s\n", keep_alive ? "keep-alive" : "new", clients,
                  static_cast<double>(all.latency_ms.size()) / seconds, static_cast<double>(all.tokens) / seconds,
                  percentile(all.latency_ms, 0.5), percentile(all.latency_ms, 0.99),
                  percentile(all.first_token_ms, 0.5), percentile(all.first_token_ms, 0.99),
                  all.failures ? (" (" + std::to_string(all.failures) + " failed)").c_str() : "");
      std::fflush(stdout);
    }
  service.stop();
  server.join();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BUNDLE [REQUESTS_PER_CLIENT]\n", argv[0]);
    return 2;
  }
  cradle::bench::print_processor();
  try {
    const int per_client = argc > 2 ? std::atoi(argv[2]) : 8;
    std::printf("%s: streamed /v1/completions, 32 new tokens, %d requests per client, %u cores\n", argv[1], per_client,
                std::thread::hardware_concurrency());
    run_service(argv[1], 1, per_client);
    run_service(argv[1], 32, per_client);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return 0;
}
