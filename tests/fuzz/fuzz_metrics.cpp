// libFuzzer target: a run's metrics.jsonl as the dashboard follows it. The
// input is written in two parts (a line may be cut anywhere); every complete
// line becomes a record or a problem naming its line, never an exception, and
// reading in two parts gives what reading it whole gives.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/run/metrics_follower.h"

namespace {

std::size_t records(const cradle::MetricsUpdate& u) {
  return (u.plan ? 1 : 0) + u.steps.size() + u.evaluations.size() + u.problems.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  char path[] = "/tmp/fuzz-metrics-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return 0;
  close(fd);
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  std::size_t in_parts = 0, whole = 0;
  {
    std::ofstream(path, std::ios::binary) << input.substr(0, cut);
    cradle::MetricsFollower follower(path);
    in_parts += records(follower.read_new());
    std::ofstream(path, std::ios::binary | std::ios::app) << input.substr(cut);
    in_parts += records(follower.read_new());
    if (!follower.read_new().empty()) __builtin_trap();  // nothing new: nothing read
  }
  {
    cradle::MetricsFollower follower(path);
    const auto update = follower.read_new();
    whole = records(update);
    for (const auto& problem : update.problems)
      if (problem.rfind("fuzz-metrics-", 0) != 0) __builtin_trap();  // names the file and line
  }
  std::remove(path);
  // A plan counts once per read however many start lines there are.
  if (in_parts < whole || in_parts > whole + 1) __builtin_trap();
  return 0;
}
