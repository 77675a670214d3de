#pragma once
// How cradle-cli's subcommands join its command line: each *_commands.cpp file
// adds its subcommands to the CLI11 app, binds their options to a request it
// owns, and on being chosen hands main() the command to run. main() only
// builds the app from these, parses, and runs the choice. Adding a command is
// one add_*_command(s) function here and one line in main.cpp's list.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace cradle::cli {

// What the command line chose: set by the chosen subcommand's callback, run once parsing is done.
struct CommandChoice {
  std::function<int()> run;
  // The command line without "--nproc N": what each worker of a --nproc run is started with.
  std::vector<std::string> worker_arguments;
};

// --set FIELD=VALUE: a missing '=' is bad usage (exit 2), caught while parsing.
extern const CLI::Validator kOverrideSyntax;

// \n, \t and \\ in --prompt, --stop and predict's inputs, as a shell passes them literally.
std::string unescape(const std::string& text);

void add_training_commands(CLI::App& app, CommandChoice& choice);     // train, resume (training_commands.cpp)
void add_evaluation_commands(CLI::App& app, CommandChoice& choice);   // eval, generate, compare
void add_pipeline_command(CLI::App& app, CommandChoice& choice);      // pipeline
void add_export_commands(CLI::App& app, CommandChoice& choice);       // export, predict, serve
void add_compression_commands(CLI::App& app, CommandChoice& choice);  // prune, distill, quantize
void add_experiment_commands(CLI::App& app,
                             CommandChoice& choice);  // inspect, data stats/tokenize/preview, runs (commands.cpp)
void add_lr_find_command(CLI::App& app, CommandChoice& choice);  // lr-find
void add_sweep_command(CLI::App& app, CommandChoice& choice);    // sweep
void add_cache_commands(CLI::App& app, CommandChoice& choice);   // cache list/prune/clear

}  // namespace cradle::cli
