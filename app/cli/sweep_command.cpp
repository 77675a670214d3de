// cradle-cli sweep: a sweep's trials one at a time in this process, or
// several at once as cradle-cli processes with the threads divided.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/run/run_index.h"
#include "core/tune/sweep_runner.h"
#include "core/tune/trial_execution.h"

extern char** environ;

namespace cradle::cli {
namespace {

StopSignal g_sweep_stop;
extern "C" void on_sweep_interrupt(int) {
  if (g_sweep_stop.requested()) _exit(130);
  g_sweep_stop.request();
  const char message[] = "\nstopping the sweep after the running trials' next step (Ctrl+C again to quit at once)\n";
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
}

// What the trial's run folder says once its process has ended.
TrialResult read_trial_report(const std::filesystem::path& run_dir, const std::string& metric, int exit_code,
                              const std::filesystem::path& log) {
  TrialResult result;
  const auto report_file = run_dir / "report.json";
  if (!std::filesystem::exists(report_file)) {
    result.status = RunStatus::Failed;
    result.error = "exit code " + std::to_string(exit_code) + " without a report; see " + log.string();
    return result;
  }
  const Json report = parse_json_text(read_file(report_file), report_file.string());
  const std::string status = report.value("status", std::string("failed"));
  result.status = parse_report_status(status).value_or(RunStatus::Failed);
  if (result.status == RunStatus::Failed)
    result.error = report.value("error", std::string("failed; see ") + log.string());
  result.epochs = report.value("epochs_completed", std::int64_t{0});
  const std::string key = metric.substr(metric.find('_') + 1);  // validation_accuracy -> accuracy
  const Json validation = report.value(Json::json_pointer("/metrics/validation"), Json::object());
  if (validation.contains(key) && validation[key].is_number()) result.metric = validation[key].get<double>();
  const Json test = report.value(Json::json_pointer("/metrics/test"), Json::object());
  for (const char* headline : {"accuracy", "rmse", "perplexity"})
    if (test.contains(headline) && test[headline].is_number()) {
      result.test_metric = test[headline].get<double>();
      if (std::string(headline) != "accuracy" || !test.contains("rmse")) break;
    }
  return result;
}

// A trial as a `cradle-cli train` (or `resume`) process of its own, its output in <run>.log.
TrialResult execute_trial_as_process(const TrialTask& task, const std::string& metric) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw IoError("cannot find this program's path (/proc/self/exe): " + ec.message());
  std::vector<std::string> args = {self.string()};
  if (task.resume) {
    args.insert(args.end(), {"resume", task.run_dir.string()});
  } else {
    args.insert(args.end(), {"train", task.experiment_file.string(), "--out", task.run_dir.string()});
    for (const auto& o : task.overrides) args.insert(args.end(), {"--set", o});
    if (task.threads > 0) args.insert(args.end(), {"--set", "threads=" + std::to_string(task.threads)});
  }
  if (task.stop_after_epochs > 0)
    args.insert(args.end(), {"--stop-after-epochs", std::to_string(task.stop_after_epochs)});
  const auto log = std::filesystem::path(task.run_dir.string() + ".log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw IoError("cannot start " + args[0] + ": " + std::strerror(spawned));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return read_trial_report(task.run_dir, metric, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), log);
}

}  // namespace

int sweep(const SweepRequest& request) {
  SweepSpec spec = load_sweep_spec(request.sweep_file);
  if (request.parallel > 0) spec.parallel = request.parallel;
  const std::filesystem::path out = request.out.empty() ? std::filesystem::path("runs") / spec.name : request.out;
  const std::string metric = spec.metric;
  TrialExecutor executor;
  if (spec.parallel == 1)
    executor = [metric](const TrialTask& task) { return execute_trial_in_process(task, metric, &g_sweep_stop); };
  else
    executor = [metric](const TrialTask& task) { return execute_trial_as_process(task, metric); };
  SweepRunner runner(spec, request.sweep_file, out, executor);
  std::printf("sweep %s: %s over %zu field(s), %s, %lld at a time; trials in %s\n", spec.name.c_str(),
              spec.method.c_str(), spec.parameters.size(), spec.metric.c_str(), static_cast<long long>(spec.parallel),
              out.string().c_str());
  std::fflush(stdout);
  SweepCallbacks callbacks;
  callbacks.trial_started = [](const TrialRecord& t) {
    std::printf("trial %lld started: %s\n", static_cast<long long>(t.id), t.configuration.describe().c_str());
    std::fflush(stdout);
  };
  callbacks.trial_finished = [&spec](const TrialRecord& t) {
    std::printf("trial %lld %s after %lld epoch(s): %s %s%s\n", static_cast<long long>(t.id),
                to_string(t.status).c_str(), static_cast<long long>(t.epochs), spec.metric.c_str(),
                t.metric ? std::to_string(*t.metric).c_str() : "-",
                t.error.empty() ? "" : (" (" + t.error + ")").c_str());
    std::fflush(stdout);
  };
  g_sweep_stop.reset();
  auto previous = std::signal(SIGINT, on_sweep_interrupt);
  SweepOutcome outcome;
  try {
    outcome = runner.run(&g_sweep_stop, callbacks);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  std::printf("\n%s\n%zu trial(s) ranked in %.0f s; %s\n", format_sweep_table(spec, outcome).c_str(),
              outcome.ranking.size(), outcome.seconds, (out / "summary.csv").string().c_str());
  if (!outcome.best_experiment.empty())
    std::printf("best configuration: %s\n  cradle-cli train %s\n", outcome.best_experiment.string().c_str(),
                outcome.best_experiment.string().c_str());
  if (g_sweep_stop.requested()) {
    std::printf("stopped: run the same command again to continue\n");
    return 130;
  }
  return outcome.ranking.empty() ? 1 : 0;
}

void add_sweep_command(CLI::App& app, CommandChoice& choice) {
  auto request = std::make_shared<SweepRequest>();
  auto* sweep_command =
      app.add_subcommand("sweep", "Run a hyperparameter sweep: grid, random or successive halving; ranks the trials");
  sweep_command->add_option("sweep", request->sweep_file, "Sweep file (JSON)")->required();
  sweep_command->add_option("--out", request->out,
                            "Sweep folder (default runs/<sweep name>); an interrupted sweep continues there");
  sweep_command
      ->add_option("--parallel", request->parallel, "Trials at once, as separate processes (default: the file's)")
      ->check(CLI::Range(1, 64));
  sweep_command->callback([&choice, request] { choice.run = [request] { return sweep(*request); }; });
}

}  // namespace cradle::cli
