#pragma once
// Printed first by every benchmark: the processor and the instruction sets that
// decide its figures (see processor.sh, the same for the shell benchmarks).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace cradle::bench {

inline void print_processor(std::FILE* out = stdout) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown", flags;
  while (std::getline(cpuinfo, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (model == "unknown" && (key == "model name" || key == "Model" || key == "cpu model")) model = value;
    if (flags.empty() && (key == "flags" || key == "Features")) flags = " " + value + " ";
  }
  std::string wanted;
  for (const char* f :
       {"avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8", "asimd", "sve"})
    if (flags.find(std::string(" ") + f + " ") != std::string::npos)
      wanted += (wanted.empty() ? "" : " ") + std::string(f);
  std::fprintf(out, "processor: %s; %u cores; %s\n", model.c_str(), std::thread::hardware_concurrency(),
               wanted.empty() ? "no AVX2" : wanted.c_str());
}

}  // namespace cradle::bench
