// cradle-cli: everything the studio does, without a window. Each command
// registers itself (app/cli/command_line.h); this file builds the command
// line from them, parses it, and runs what it chose.
#include <c10/util/Exception.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/command_line.h"
#include "core/common/error.h"

namespace {

// The command line after the program name without "--nproc N" (or "--nproc=N").
std::vector<std::string> without_nproc(int argc, char** argv) {
  std::vector<std::string> arguments;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--nproc")
      ++i;
    else if (argument.rfind("--nproc=", 0) != 0)
      arguments.push_back(argument);
  }
  return arguments;
}

// "train, resume, eval, ...": the commands, in the order --help lists them.
std::string command_names(const CLI::App& app) {
  std::string names;
  for (const CLI::App* command : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + command->get_name();
  return names;
}

// Exit codes: 0 success, 1 a clear error (bad file, bad value), 2 bad usage,
// 130 training stopped by the user.
int run(int argc, char** argv) {
  CLI::App app{"Cradle: train neural networks from an experiment file, headless.", "cradle-cli"};
  app.set_version_flag("--version", "cradle-cli " CRADLE_VERSION);
  app.require_subcommand(1);
  cradle::cli::CommandChoice choice;
  choice.worker_arguments = without_nproc(argc, argv);
  for (const auto add :
       {cradle::cli::add_training_commands, cradle::cli::add_evaluation_commands, cradle::cli::add_pipeline_command,
        cradle::cli::add_export_commands, cradle::cli::add_compression_commands, cradle::cli::add_experiment_commands,
        cradle::cli::add_lr_find_command, cradle::cli::add_sweep_command, cradle::cli::add_cache_commands})
    add(app, choice);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty()) {  // the first word names no command
      std::fprintf(stderr,
                   "cradle-cli: unknown command \"%s\"; the commands are: %s (cradle-cli --help says what each does)\n",
                   argv[1], command_names(app).c_str());
      return 2;
    }
    const int code = app.exit(error);  // prints help, the version, or the usage error
    return code == 0 ? 0 : 2;
  }
  if (!choice.run) throw cradle::Error("cradle-cli: the command line chose no command");  // every subcommand sets one
  return choice.run();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const cradle::Error& error) {
    std::fprintf(stderr, "cradle-cli: error: %s\n", error.what());
  } catch (const c10::Error& error) {
    const std::string message = error.what_without_backtrace();
    std::fprintf(stderr, "cradle-cli: LibTorch error: %s\n", message.substr(0, message.find('\n')).c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cradle-cli: error: %s\n", error.what());
  }
  return 1;
}
