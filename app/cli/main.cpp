// cradle-cli: everything the studio does, without a window.
#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/local_workers.h"
#include "app/common/terminal_training.h"
#include "core/common/error.h"

namespace {

// \n, \t and \\ in --prompt and --stop, as a shell passes them literally.
std::string unescape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == 't' || text[i + 1] == '\\')) {
      out += text[i + 1] == 'n' ? '\n' : text[i + 1] == 't' ? '\t' : '\\';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The command line after the program name without "--nproc N" (or "--nproc=N"):
// what each worker of a --nproc run is started with.
std::vector<std::string> worker_arguments(int argc, char** argv) {
  std::vector<std::string> arguments;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--nproc") ++i;
    else if (argument.rfind("--nproc=", 0) != 0) arguments.push_back(argument);
  }
  return arguments;
}

// --set FIELD=VALUE: a missing '=' is bad usage (exit 2), caught while parsing.
const CLI::Validator kOverrideSyntax(
    [](std::string& value) {
      const auto equals = value.find('=');
      return equals == std::string::npos || equals == 0 ? "expected FIELD=VALUE (e.g. train.lr=3e-4), got \"" + value + "\""
                                                        : std::string();
    },
    "FIELD=VALUE");

// Exit codes: 0 success, 1 a clear error (bad file, bad value), 2 bad usage,
// 130 training stopped by the user.
int run(int argc, char** argv) {
  CLI::App app{"Cradle: train neural networks from an experiment file, headless.", "cradle-cli"};
  app.set_version_flag("--version", "cradle-cli " CRADLE_VERSION);
  app.require_subcommand(1);

  cradle::TerminalTrainingRequest train_request;
  auto* train = app.add_subcommand("train", "Train an experiment into a new run folder");
  train->add_option("experiment", train_request.experiment_file, "Experiment file (JSON)")->required();
  train->add_option("--out", train_request.out_dir, "Run folder to create (default runs/<name>-<timestamp>)");
  train->add_option("--set", train_request.overrides, "Override a field, e.g. --set train.lr=3e-4 (repeatable)")->check(kOverrideSyntax);
  const char* stop_after_help = "Stop (resumably, with a checkpoint) once this many epochs are done";
  train->add_option("--stop-after-epochs", train_request.stop_after_epochs, stop_after_help)->check(CLI::Range(1, 100000));
  int nproc = 1;
  const char* nproc_help = "Data-parallel: start N worker processes here (train.batch_size per process; torchrun's variables work too)";
  train->add_option("--nproc", nproc, nproc_help)->check(CLI::Range(1, 256));

  std::string resume_dir;
  std::int64_t resume_epochs = 0;
  auto* resume = app.add_subcommand("resume", "Continue a stopped run from its newest checkpoint");
  resume->add_option("run", resume_dir, "Run folder")->required();
  resume->add_option("--epochs", resume_epochs, "Train to this many epochs in all (default: the experiment's)")
      ->check(CLI::Range(1, 100000));
  resume->add_option("--nproc", nproc, nproc_help)->check(CLI::Range(1, 256));
  std::int64_t resume_stop_after = 0;
  resume->add_option("--stop-after-epochs", resume_stop_after, stop_after_help)->check(CLI::Range(1, 100000));

  cradle::cli::EvaluateRequest eval_request;
  std::string eval_out;
  auto* eval = app.add_subcommand("eval", "Evaluate a run on a split: metrics, report.json, report.html, predictions.csv");
  eval->add_option("run", eval_request.run_dir, "Run folder")->required();
  eval->add_option("--split", eval_request.split, "train, validation or test (default test)")
      ->check(CLI::IsMember({"train", "validation", "test"}));
  eval->add_option("--checkpoint", eval_request.checkpoint, "last (default), best, or a checkpoint file");
  eval->add_option("--out", eval_out, "Folder for the report (default <run>/evaluation/<split>-<checkpoint>)");

  cradle::cli::GenerateRequest generate_request;
  auto& sampling = generate_request.sampling;
  bool no_cache = false;
  auto* generate = app.add_subcommand("generate", "Generate text from a language-model run, streamed, with tokens/s");
  generate->add_option("run", generate_request.run_dir, "Run folder")->required();
  generate->add_option("--prompt", generate_request.prompt, "Text to continue (default: the start of a new text); \\n is a line break");
  generate->add_option("--checkpoint", generate_request.checkpoint, "last (default), best, or a checkpoint file");
  generate->add_option("--max-tokens", sampling.max_new_tokens, "New tokens at most (default 128)")->check(CLI::Range(1, 1000000));
  generate->add_option("--temperature", sampling.temperature, "0 is greedy (default 1)")->check(CLI::Range(0.0, 100.0));
  generate->add_option("--top-k", sampling.top_k, "Sample from the k likeliest tokens; 0 all (default)")->check(CLI::Range(0, 10000000));
  generate->add_option("--top-p", sampling.top_p, "Nucleus: the likeliest tokens holding this probability (default 1)")
      ->check(CLI::Range(1e-9, 1.0));
  generate->add_option("--repetition-penalty", sampling.repetition_penalty, "Above 1 discourages repeats (default 1)")
      ->check(CLI::Range(1e-6, 100.0));
  generate->add_option("--stop", sampling.stop, "Stop before this string, e.g. \"\\n\\n\" (repeatable)");
  generate->add_option("--seed", sampling.seed, "Random seed (default 0)");
  generate->add_flag("--no-cache", no_cache, "Recompute the context for every token instead of the key/value cache");

  std::string pipeline_file, pipeline_out;
  auto* pipeline = app.add_subcommand("pipeline", "Run a pipeline file's stages in order (pretrain, sft, ...)");
  pipeline->add_option("pipeline", pipeline_file, "Pipeline file (JSON)")->required();
  pipeline->add_option("--out", pipeline_out, "Folder for the stages' runs (default runs/<pipeline name>)");

  std::vector<std::filesystem::path> compare_runs;
  auto* compare = app.add_subcommand("compare", "Side by side: the configurations that differ and the final metrics");
  compare->add_option("runs", compare_runs, "Run folders (two or more)")->required()->expected(2, -1);

  std::filesystem::path export_run, export_out;
  auto* export_command = app.add_subcommand("export", "Write a model bundle of a finished run: weights, safetensors, experiment, tokenizer, report, model card");
  export_command->add_option("run", export_run, "Run folder")->required();
  export_command->add_option("--out", export_out, "Bundle folder to create, or NAME.cradle for one zip file")->required();
  bool export_onnx = false;
  export_command->add_flag("--onnx", export_onnx, "Also model/model.onnx (opset 13), run in ONNX Runtime and OpenCV's DNN and compared with LibTorch (max difference 1e-4)");

  cradle::cli::PredictRequest predict_request;
  auto& predict_sampling = predict_request.sampling;
  auto* predict = app.add_subcommand("predict", "Predict with a bundle: image files, CSV files (table models), texts, or prompts to continue");
  predict->add_option("bundle", predict_request.bundle, "Bundle folder or .cradle file (cradle-cli export)")->required();
  predict->add_option("inputs", predict_request.inputs, "Image files (image models), CSV files with a header naming the feature columns (table models; one prediction per row), texts (text classifiers) or prompts (language models)")
      ->required();
  predict->add_option("--top-k", predict_request.top_k, "Classes shown per input (default 3)")->check(CLI::Range(1, 1000));
  predict->add_flag("--json", predict_request.json, "One JSON object per input, a line each");
  predict->add_option("--max-tokens", predict_sampling.max_new_tokens, "Language models: new tokens at most (default 128)")->check(CLI::Range(1, 1000000));
  predict->add_option("--temperature", predict_sampling.temperature, "0 is greedy (default 1)")->check(CLI::Range(0.0, 100.0));
  predict->add_option("--top-p", predict_sampling.top_p, "Nucleus sampling (default 1)")->check(CLI::Range(1e-9, 1.0));
  predict->add_option("--top-k-tokens", predict_sampling.top_k, "Sample from the k likeliest tokens; 0 all (default)")->check(CLI::Range(0, 10000000));
  predict->add_option("--seed", predict_sampling.seed, "Random seed (default 0)");

  cradle::cli::ServeRequest serve_request;
  auto* serve = app.add_subcommand("serve", "Serve a bundle over HTTP/JSON: /v1/predict, /v1/generate, /v1/health, /v1/model, /metrics");
  serve->add_option("bundle", serve_request.bundle, "Bundle folder or .cradle file (cradle-cli export)")->required();
  serve->add_option("--host", serve_request.host, "Address to listen on (default 127.0.0.1: this machine only)");
  serve->add_option("--port", serve_request.port, "Port (default 8080; 0: any free one)")->check(CLI::Range(0, 65535));
  serve->add_option("--threads", serve_request.threads, "Connections served at once (default 32; the model answers one request at a time)")
      ->check(CLI::Range(2, 1024));
  serve->add_option("--max-connections-per-client", serve_request.max_connections_per_client,
                    "Connections one client address may hold at once, the rest refused with 429 (default 16; below --threads)")
      ->check(CLI::Range(1, 1024));

  cradle::cli::PruneRequest prune_request;
  auto* prune = app.add_subcommand("prune", "Prune a finished image or table run and fine-tune it (stage prune), compared with it");
  prune->add_option("run", prune_request.run_dir, "Run folder")->required();
  prune->add_option("--method", prune_request.method, "magnitude (zero the smallest weights, default) or channels (remove channels, rebuild narrower)")
      ->check(CLI::IsMember({"magnitude", "channels"}));
  prune->add_option("--sparsity", prune_request.sparsity, "Share removed (default 0.8 magnitude, 0.35 channels)")
      ->check(CLI::Range(1e-9, 1.0 - 1e-9));
  prune->add_option("--scope", prune_request.scope, "magnitude: global (default) or layer")->check(CLI::IsMember({"global", "layer"}));
  prune->add_option("--cycles", prune_request.cycles, "Prune -> fine-tune cycles (magnitude; default 3)")->check(CLI::Range(1, 1000));
  prune->add_option("--epochs", prune_request.epochs, "Epochs in all (default cycles + 1; channels 4)")->check(CLI::Range(1, 100000));
  prune->add_option("--set", prune_request.overrides, "Override a field of the stage's experiment (repeatable)")->check(kOverrideSyntax);
  prune->add_option("--out", prune_request.out_dir, "Run folder to create (default runs/<name>-pruned-<timestamp>)");

  cradle::cli::DistillRequest distill_request;
  auto* distill = app.add_subcommand("distill", "Train a student experiment from a teacher run's outputs (stage distill)");
  distill->add_option("teacher", distill_request.teacher_run, "Teacher run folder")->required();
  distill->add_option("student", distill_request.student_experiment, "Student experiment file (its model, same task and data)")->required();
  distill->add_option("--alpha", distill_request.alpha, "Share of the distillation term (default 0.5)")->check(CLI::Range(0.0, 1.0));
  distill->add_option("--temperature", distill_request.temperature, "Softening temperature T (default 2)")->check(CLI::Range(1e-6, 1000.0));
  distill->add_option("--set", distill_request.overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
  distill->add_option("--out", distill_request.out_dir, "Run folder to create (default runs/<name>-<timestamp>)");

  cradle::cli::QuantizeRequest quantize_request;
  auto* quantize = app.add_subcommand("quantize", "Int8 weights of a finished run in a new run folder, compared with the original");
  quantize->add_option("run", quantize_request.run_dir, "Run folder (image, table, text-classification or pretrained language model)")
      ->required();
  quantize->add_option("--out", quantize_request.out_dir, "Run folder to create (default <run>-int8)");
  quantize->add_option("--engine", quantize_request.engine, "Quantised engine for int8 compute: auto (default), onednn, qnnpack, fbgemm")
      ->check(CLI::IsMember({"auto", "onednn", "qnnpack", "fbgemm"}));

  std::string inspect_file;
  std::vector<std::string> inspect_overrides;
  auto* inspect = app.add_subcommand("inspect", "Validate an experiment and print its model's layer table");
  inspect->add_option("experiment", inspect_file, "Experiment file (JSON)")->required();
  inspect->add_option("--set", inspect_overrides, "Override a field (repeatable)")->check(kOverrideSyntax);

  cradle::cli::LearningRateFindRequest lr_find_request;
  std::string lr_find_file, lr_find_out;
  auto* lr_find = app.add_subcommand("lr-find", "Learning-rate range test: the loss as the rate grows, and a suggested rate");
  lr_find->add_option("experiment", lr_find_file, "Experiment file (JSON)")->required();
  lr_find->add_option("--steps", lr_find_request.range.steps, "Optimizer steps (default 100)")->check(CLI::Range(10, 100000));
  lr_find->add_option("--min-lr", lr_find_request.range.min_lr, "First rate (default 1e-7)")->check(CLI::PositiveNumber);
  lr_find->add_option("--max-lr", lr_find_request.range.max_lr, "Last rate (default 10)")->check(CLI::PositiveNumber);
  lr_find->add_option("--set", lr_find_request.overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
  lr_find->add_option("--out", lr_find_out, "Also write the curve and the suggestion to this JSON file");

  cradle::cli::SweepRequest sweep_request;
  std::string sweep_file, sweep_out;
  auto* sweep = app.add_subcommand("sweep", "Run a hyperparameter sweep: grid, random or successive halving; ranks the trials");
  sweep->add_option("sweep", sweep_file, "Sweep file (JSON)")->required();
  sweep->add_option("--out", sweep_out, "Sweep folder (default runs/<sweep name>); an interrupted sweep continues there");
  sweep->add_option("--parallel", sweep_request.parallel, "Trials at once, as separate processes (default: the file's)")
      ->check(CLI::Range(1, 64));

  std::string stats_file, stats_out;
  std::vector<std::string> stats_overrides;
  auto* data = app.add_subcommand("data", "Look at an experiment's data");
  data->require_subcommand(1);
  auto* stats = data->add_subcommand("stats", "Print (and write) sizes, class histograms and value ranges of every split");
  stats->add_option("experiment", stats_file, "Experiment file (JSON)")->required();
  stats->add_option("--set", stats_overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
  stats->add_option("--out", stats_out, "Also write the statistics to this JSON file");

  std::string tokenize_file, tokenize_out, tokenize_tokenizer;
  std::vector<std::string> tokenize_overrides;
  auto* tokenize = data->add_subcommand("tokenize", "Write a language-model experiment's text once as a memory-mapped token corpus");
  tokenize->add_option("experiment", tokenize_file, "Experiment file (JSON): task language_model, source text or jsonl")->required();
  tokenize->add_option("--set", tokenize_overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
  tokenize->add_option("--out", tokenize_out, "The corpus folder to create (it must not exist)")->required();
  tokenize->add_option("--tokenizer", tokenize_tokenizer,
                       "Write with this tokenizer.json (a run's, to go on training its model) instead of training one");
  bool tokenize_stream = false;
  tokenize->add_flag("--stream", tokenize_stream,
                     "One input file in memory at a time, for text larger than memory (splits by record hash; no dedup_near)");

  std::string preview_file, preview_out;
  std::vector<std::string> preview_overrides;
  std::int64_t preview_samples = 8;
  auto* preview = data->add_subcommand("preview", "Write before/after samples of every preprocessing step to a folder");
  preview->add_option("experiment", preview_file, "Experiment file (JSON)")->required();
  preview->add_option("--out", preview_out, "Folder to write (created if needed)")->required();
  preview->add_option("--n", preview_samples, "Samples per step (default 8)")->check(CLI::Range(1, 1000));
  preview->add_option("--set", preview_overrides, "Override a field (repeatable)")->check(kOverrideSyntax);

  std::string runs_dir = "runs", runs_experiment;
  auto* runs = app.add_subcommand("runs", "List the runs in a folder: status, test metric, start time");
  runs->add_option("folder", runs_dir, "Folder of run folders (default runs)");
  runs->add_option("--experiment", runs_experiment, "Only the runs of this experiment name");

  std::string max_size;
  auto* cache = app.add_subcommand("cache", "Look at or trim the prepared-data cache");
  cache->require_subcommand(1);
  auto* cache_list = cache->add_subcommand("list", "List the cache's entries, most recently used first");
  auto* cache_prune = cache->add_subcommand("prune", "Remove least recently used entries beyond a size");
  cache_prune->add_option("--max-size", max_size, "Size to keep, e.g. 2G or 500M (default $CRADLE_CACHE_MAX_SIZE or 4G)");
  auto* cache_clear = cache->add_subcommand("clear", "Remove every entry");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints help, the version, or the usage error
    return code == 0 ? 0 : 2;
  }
  if (nproc > 1 && (train->parsed() || resume->parsed())) {
    if (std::getenv("WORLD_SIZE"))
      throw cradle::ConfigError("--nproc: WORLD_SIZE is already set (a torchrun-style launcher started this process); "
                                "leave --nproc out and let the launcher start the workers");
    return cradle::cli::run_local_workers(nproc, worker_arguments(argc, argv));
  }
  if (train->parsed()) return cradle::train_in_terminal(train_request);
  if (resume->parsed()) return cradle::resume_in_terminal(resume_dir, resume_epochs, resume_stop_after);
  if (eval->parsed()) {
    eval_request.out = eval_out;
    return cradle::cli::evaluate(eval_request);
  }
  if (generate->parsed()) {
    sampling.use_cache = !no_cache;
    generate_request.prompt = unescape(generate_request.prompt);
    for (auto& stop : sampling.stop) stop = unescape(stop);
    return cradle::cli::generate(generate_request);
  }
  if (compare->parsed()) return cradle::cli::compare(compare_runs);
  if (quantize->parsed()) return cradle::cli::quantize(quantize_request);
  if (prune->parsed()) return cradle::cli::prune(prune_request);
  if (serve->parsed()) {
    if (serve_request.max_connections_per_client >= serve_request.threads) {
      std::fprintf(stderr, "cradle-cli serve: --max-connections-per-client (%d) must be below --threads (%d), so one client cannot hold every worker\n",
                   serve_request.max_connections_per_client, serve_request.threads);
      return 2;
    }
    return cradle::cli::serve(serve_request);
  }
  if (export_command->parsed()) return cradle::cli::export_bundle(export_run, export_out, export_onnx);
  if (predict->parsed()) {
    for (auto& input : predict_request.inputs) input = unescape(input);
    return cradle::cli::predict(predict_request);
  }
  if (distill->parsed()) return cradle::cli::distill(distill_request);
  if (pipeline->parsed()) return cradle::cli::run_pipeline(pipeline_file, pipeline_out);
  if (sweep->parsed()) {
    sweep_request.sweep_file = sweep_file;
    sweep_request.out = sweep_out;
    return cradle::cli::sweep(sweep_request);
  }
  if (lr_find->parsed()) {
    lr_find_request.experiment_file = lr_find_file;
    lr_find_request.out = lr_find_out;
    return cradle::cli::find_learning_rate(lr_find_request);
  }
  if (stats->parsed()) return cradle::cli::data_stats(stats_file, stats_overrides, stats_out);
  if (tokenize->parsed()) return cradle::cli::data_tokenize(tokenize_file, tokenize_overrides, tokenize_out, tokenize_tokenizer, tokenize_stream);
  if (preview->parsed()) return cradle::cli::data_preview(preview_file, preview_overrides, preview_samples, preview_out);
  if (runs->parsed()) return cradle::cli::list_runs(runs_dir, runs_experiment);
  if (cache_list->parsed()) return cradle::cli::cache_list();
  if (cache_prune->parsed()) return cradle::cli::cache_prune(max_size);
  if (cache_clear->parsed()) return cradle::cli::cache_clear();
  return cradle::cli::inspect(inspect_file, inspect_overrides);
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
