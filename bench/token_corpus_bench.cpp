// Memory and speed of language-model training on a memory-mapped token corpus
// (data.source "tokens") against the in-memory text path, for
// bench/token_corpus.sh.
//
//   cradle-bench-tokens tile CORPUS OUT MEGABYTES
//     writes corpus OUT whose training split repeats CORPUS's training
//     documents until it holds MEGABYTES of token ids (validation, test and
//     tokenizer copied), so a large corpus has real token statistics;
//   cradle-bench-tokens train EXPERIMENT STEPS [FIELD=VALUE...]
//     trains STEPS optimizer steps in a fresh run folder and prints one JSON
//     line: the median logged tokens per second, the process's peak private
//     (anonymous) memory and peak mapped-file memory sampled every 10 ms,
//     its peak resident set, and the model and optimizer state's bytes.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "core/data/token_corpus.h"
#include "core/data/token_file.h"
#include "core/experiment/experiment.h"
#include "core/run/experiment_run.h"
#include "core/train/events.h"
#include "core/train/runtime.h"
#include "core/train/stop_signal.h"

using namespace cradle;
namespace fs = std::filesystem;

namespace {

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// kB figures of /proc/self/status.
struct MemoryNow {
  long anon_kb = 0, file_kb = 0, hwm_kb = 0;
};

MemoryNow memory_now() {
  MemoryNow m;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    const auto value = [&] { return std::atol(line.c_str() + line.find(':') + 1); };
    if (line.rfind("RssAnon:", 0) == 0)
      m.anon_kb = value();
    else if (line.rfind("RssFile:", 0) == 0)
      m.file_kb = value();
    else if (line.rfind("VmHWM:", 0) == 0)
      m.hwm_kb = value();
  }
  return m;
}

// Requests a stop once `steps` optimizer steps are done and keeps the logged throughputs.
class StepLimit : public TrainingObserver {
 public:
  StepLimit(std::int64_t steps, StopSignal& stop) : steps_(steps), stop_(stop) {}
  void on_step(const StepMetrics& m) override {
    if (m.step > 10) samples_per_second.push_back(m.samples_per_second);  // the first window warms up
    if (m.step >= steps_) stop_.request();
  }
  std::vector<double> samples_per_second;

 private:
  std::int64_t steps_;
  StopSignal& stop_;
};

int tile(const fs::path& in, const fs::path& out, double megabytes) {
  const TokenCorpus corpus = open_token_corpus(in);
  fs::create_directories(out);
  for (const char* name : {"tokenizer.json", "tokenizer.model", "corpus.json", "validation.tokens", "test.tokens"})
    if (fs::exists(in / name)) fs::copy_file(in / name, out / name, fs::copy_options::overwrite_existing);
  const auto& source = *corpus.train;
  const double target_tokens = megabytes * 1e6 / source.layout().token_bytes;
  TokenFileWriter writer(token_split_file(out, "train"), source.layout().vocab_size);
  std::uint64_t written = 0;
  while (static_cast<double>(written) < target_tokens)
    for (std::uint64_t d = 0; d < source.layout().documents && static_cast<double>(written) < target_tokens; ++d) {
      const auto ids = source.tokens(source.document_start(d), source.document_start(d + 1));
      writer.add_document(ids);
      written += ids.size();
    }
  const auto layout = writer.finish();
  std::printf("{\"corpus\": \"%s\", \"train_tokens\": %llu, \"train_bytes\": %llu}\n", out.string().c_str(),
              static_cast<unsigned long long>(layout.tokens),
              static_cast<unsigned long long>(fs::file_size(token_split_file(out, "train"))));
  return 0;
}

int train(const fs::path& experiment_file, std::int64_t steps, const std::vector<std::string>& overrides) {
  const Experiment experiment = load_experiment(experiment_file, overrides);
  std::atomic<bool> sampling{true};
  MemoryNow peak;
  std::thread sampler([&] {
    while (sampling.load()) {
      const MemoryNow now = memory_now();
      peak.anon_kb = std::max(peak.anon_kb, now.anon_kb);
      peak.file_kb = std::max(peak.file_kb, now.file_kb);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const fs::path run_dir = fs::temp_directory_path() / ("cradle-bench-tokens-" + std::to_string(::getpid()));
  StopSignal stop;
  StepLimit limit(steps, stop);
  std::int64_t parameters = 0;
  {
    ExperimentRun run(experiment, run_dir);
    parameters = run.model_summary().total_parameters;
    run.add_observer(limit);
    run.train(&stop);
  }
  sampling = false;
  sampler.join();
  std::error_code ec;
  fs::remove_all(run_dir, ec);
  const MemoryNow end = memory_now();
  // Weights, gradients and AdamW's two moments, float32.
  const double model_optimizer_mb = static_cast<double>(parameters) * 4 * 4 / 1e6;
  std::printf(
      "{\"experiment\": \"%s\", \"source\": \"%s\", \"steps\": %lld, \"tokens_per_s\": %.0f, "
      "\"peak_anon_mb\": %.1f, \"peak_file_mb\": %.1f, \"peak_rss_mb\": %.1f, \"model_optimizer_mb\": %.1f}\n",
      experiment.name.c_str(), to_string(experiment.data.source).c_str(), static_cast<long long>(steps),
      median_of(limit.samples_per_second) * static_cast<double>(experiment.data.context_length),
      static_cast<double>(peak.anon_kb) / 1e3, static_cast<double>(peak.file_kb) / 1e3,
      static_cast<double>(end.hwm_kb) / 1e3, model_optimizer_mb);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "tile" && argc == 5) return tile(argv[2], argv[3], std::stod(argv[4]));
    if (mode == "train" && argc >= 4)
      return train(argv[2], std::stoll(argv[3]), std::vector<std::string>(argv + 4, argv + argc));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cradle-bench-tokens: %s\n", error.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: cradle-bench-tokens tile CORPUS OUT MEGABYTES | train EXPERIMENT STEPS [FIELD=VALUE...]\n");
  return 2;
}
