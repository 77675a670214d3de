// Reading a Hub checkpoint: a SmolLM-135M-shaped model (bench/smollm_shape.h)
// saved as one bfloat16 model.safetensors (257 MiB), read and widened to
// float32 as core/hub/hub_checkpoint.cpp does, by the mapped reader
// (read_safetensors, core/common/mapped_file.h) and by the copying one it
// replaced (the file read into memory, then each tensor copied out:
// parse_safetensors(read_file(...))). Each reading runs in a process of its
// own (this program run again), so that its memory is its own: the process's
// own memory (RssAnon) at the end of reading, the file pages it touched
// (RssFile, the page cache's, given back under pressure) and the time.
// Usage: cradle-bench-safetensors-loading [ROUNDS]   (default 3; prints medians)
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bench/processor.h"
#include "bench/smollm_shape.h"
#include "core/common/file_io.h"
#include "core/export/safetensors.h"

using namespace cradle;
namespace fs = std::filesystem;

namespace {

long status_kib(const char* key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(key, 0) == 0 && line.size() > std::strlen(key) && line[std::strlen(key)] == ':')
      return std::stol(line.substr(std::strlen(key) + 1));
  return 0;
}

// The child: reads `file` one way and prints "anon file seconds" (MiB, MiB, s).
int read_once(const std::string& mode, const fs::path& file) {
  const auto start = std::chrono::steady_clock::now();
  std::map<std::string, torch::Tensor> widened;
  SafetensorsFile read = mode == "copied" ? parse_safetensors(read_file(file), file.string()) : read_safetensors(file);
  for (auto& [name, tensor] : read.tensors) widened[name] = tensor.to(torch::kFloat32);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%ld %ld %.3f\n", status_kib("RssAnon") / 1024, status_kib("RssFile") / 1024, seconds);
  return 0;
}

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--read") return read_once(argv[2], argv[3]);
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  bench::print_processor();
  const fs::path dir = fs::temp_directory_path() / ("cradle-safetensors-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "model.safetensors";
  {
    auto model = bench::smollm_135m_shaped_model();
    model->to(torch::kBFloat16);
    NamedTensors tensors;
    for (const auto& p : model->named_parameters()) tensors.emplace_back(p.key(), p.value());
    write_safetensors(file, tensors);
  }
  std::printf("%s: %.0f MiB of bfloat16 weights\n", file.string().c_str(),
              static_cast<double>(fs::file_size(file)) / (1024.0 * 1024.0));
  std::map<std::string, std::array<std::vector<double>, 3>> figures;
  for (int round = 0; round < rounds; ++round) {
    for (const std::string mode : {"mapped", "copied"}) {
      const std::string command = std::string(argv[0]) + " --read " + mode + " '" + file.string() + "'";
      std::FILE* child = ::popen(command.c_str(), "r");
      double anon = 0, touched = 0, seconds = 0;
      if (!child || std::fscanf(child, "%lf %lf %lf", &anon, &touched, &seconds) != 3) {
        std::fprintf(stderr, "the reading process failed: %s\n", command.c_str());
        fs::remove_all(dir);
        return 1;
      }
      ::pclose(child);
      figures[mode][0].push_back(anon);
      figures[mode][1].push_back(touched);
      figures[mode][2].push_back(seconds);
    }
  }
  for (const std::string mode : {"mapped", "copied"}) {
    const auto& f = figures[mode];
    std::printf("%-7s own memory %5.0f MiB, file pages %4.0f MiB, %.2f s\n", mode.c_str(), median_of(f[0]),
                median_of(f[1]), median_of(f[2]));
  }
  std::printf("(medians of %d rounds, each reading in a process of its own)\n", rounds);
  fs::remove_all(dir);
  return 0;
}
