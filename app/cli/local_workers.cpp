#include "app/cli/local_workers.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <thread>

#include "core/common/error.h"
#include "core/distributed/loopback_port.h"

namespace cradle::cli {

namespace {

// "exited with code 1", "was killed by signal 9 (Killed)".
std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "ended with status " + std::to_string(status);
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

pid_t start_worker(const std::vector<std::string>& arguments, int rank, int nproc, int port) {
  std::vector<char*> argv;
  std::string program = "cradle-cli";
  argv.push_back(program.data());
  std::vector<std::string> copies = arguments;
  for (auto& argument : copies) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("cannot start worker ") + std::to_string(rank) + ": " + std::strerror(errno));
  if (pid == 0) {
    const std::string r = std::to_string(rank), n = std::to_string(nproc), p = std::to_string(port);
    ::setenv("RANK", r.c_str(), 1);
    ::setenv("LOCAL_RANK", r.c_str(), 1);
    ::setenv("WORLD_SIZE", n.c_str(), 1);
    ::setenv("LOCAL_WORLD_SIZE", n.c_str(), 1);
    ::setenv("MASTER_ADDR", "127.0.0.1", 1);
    ::setenv("MASTER_PORT", p.c_str(), 1);
    std::signal(SIGINT, SIG_DFL);
    ::execv("/proc/self/exe", argv.data());
    std::fprintf(stderr, "cradle-cli: cannot start worker %d: %s\n", rank, std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

}  // namespace

int run_local_workers(int nproc, const std::vector<std::string>& arguments) {
  const int port = cradle::free_loopback_port();
  std::fflush(stdout);
  std::fflush(stderr);
  // Ctrl+C reaches the workers straight from the terminal; this process waits for them.
  auto previous = std::signal(SIGINT, SIG_IGN);
  std::map<pid_t, int> running;  // pid -> rank
  for (int rank = 0; rank < nproc; ++rank) running[start_worker(arguments, rank, nproc, port)] = rank;

  // After a failure the others normally notice at their next collective and
  // exit with their own error; those that do not are sent SIGTERM after 5 s and
  // SIGKILL 10 s later.
  int result = 0;
  bool stopping = false, terminated = false;
  std::chrono::steady_clock::time_point terminate_at{}, kill_at{};
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, stopping ? WNOHANG : 0);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) break;
    if (pid == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (!terminated && now >= terminate_at) {
        for (const auto& [other, rank] : running) ::kill(other, SIGTERM);
        terminated = true;
      } else if (terminated && now >= kill_at) {
        for (const auto& [other, rank] : running) ::kill(other, SIGKILL);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    const auto found = running.find(pid);
    if (found == running.end()) continue;
    const int rank = found->second;
    running.erase(found);
    const int code = exit_code(status);
    if (code == 0) continue;
    if (result == 0 || (result == 130 && code != 130)) result = code;
    if (code == 130 || stopping) continue;  // stopped by the user: the others stop at the same step
    std::fprintf(stderr, "cradle-cli: worker rank %d %s; stopping the other %zu worker(s)\n", rank,
                 describe_status(status).c_str(), running.size());
    stopping = true;
    terminate_at = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    kill_at = terminate_at + std::chrono::seconds(10);
  }
  std::signal(SIGINT, previous);
  return result;
}

}  // namespace cradle::cli
