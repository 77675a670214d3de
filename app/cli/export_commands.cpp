// cradle-cli export and predict: handing a trained model over, and using it.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/export/bundle_prediction.h"
#include "core/export/model_bundle.h"
#include "core/export/model_folder_bundle.h"
#include "core/hub/hub_folder_export.h"
#include "core/hub/hub_gguf_export.h"
#include "core/hub/hub_model.h"
#include "core/hub/peft_adapter.h"
#include "core/models/model_description.h"
#include "core/run/run_hub_model.h"
#include "core/serve/prediction_service.h"
#include "core/serve/sample_requests.h"

namespace cradle::cli {

namespace {

// The model folder's weights, with `adapter` (when named) folded in; says so on stderr. A run tuned from
// a folder gives the folder's model with the run's weights (a LoRA run's adapters are already merged in).
HubModel open_model_folder(const std::string& command, const std::filesystem::path& folder,
                           const std::filesystem::path& adapter) {
  if (!is_hub_model_folder(folder)) {
    if (!std::filesystem::exists(folder / "experiment.json"))
      throw ConfigError(command + ": " + folder.string() +
                        " is not a Hugging Face model folder (config.json and safetensors weights) or a run");
    if (!adapter.empty())
      throw ConfigError(command + ": --adapter belongs to a model folder; a run's own adapters are in its model.pt");
    return load_run_hub_model(folder);
  }
  HubModel hub = load_hub_model(folder);
  if (adapter.empty()) return hub;
  const LoadedAdapter loaded = merge_peft_adapter(hub, adapter);
  std::fprintf(stderr, "[adapter %s: LoRA r = %lld, alpha %g on %zu projections, merged]\n", adapter.string().c_str(),
               static_cast<long long>(loaded.config.options.rank), loaded.config.options.alpha, loaded.modules.size());
  return hub;
}

void print_hub_folder(const std::filesystem::path& out, const HubFolderExportSummary& summary) {
  std::printf("Hugging Face folder %s: %lld tensors, %lld parameters in %s (%.1f MiB)\n", out.string().c_str(),
              static_cast<long long>(summary.tensors), static_cast<long long>(summary.parameters),
              summary.dtype.c_str(), static_cast<double>(summary.bytes) / (1024.0 * 1024.0));
  std::string copied;
  for (const auto& file : summary.copied_files) copied += " " + file;
  std::printf("  config.json model.safetensors README.md%s\n", copied.c_str());
  std::printf("  transformers: AutoModelForCausalLM.from_pretrained(\"%s\")\n", out.string().c_str());
}

// A downloaded (or merged) model as transformers loads it.
int export_hf(const ExportRequest& request) {
  if (request.onnx) throw ConfigError("export: --onnx belongs to --format bundle");
  check_hub_folder_destination(request.out);
  const HubModel hub = open_model_folder("export --format hf", request.run_dir, request.adapter);
  HubFolderExportOptions options;
  if (!request.dtype.empty()) options.dtype = parse_hub_dtype(request.dtype);
  if (!request.adapter.empty()) {
    const auto config = read_peft_adapter_config(request.adapter);
    options.note = "The LoRA adapter " + request.adapter.filename().string() +
                   " (r = " + std::to_string(config.options.rank) + ") is merged into the weights.";
  }
  if (!is_hub_model_folder(request.run_dir)) {
    options.base_model = model_folder_name(hub.folder.string());
    options.note = "Fine-tuned in Cradle (run " + model_folder_name(request.run_dir.string()) +
                   "); any LoRA adapters are merged into the weights.";
  }
  print_hub_folder(request.out, export_hub_folder(hub, request.out, options));
  return 0;
}

// A downloaded model as llama.cpp and Ollama run it: NAME.gguf and NAME.Modelfile beside it.
int export_gguf(const ExportRequest& request) {
  if (request.onnx) throw ConfigError("export: --onnx belongs to --format bundle");
  if (request.out.extension() != ".gguf")
    throw ConfigError("export --format gguf: --out " + request.out.string() + " should end in .gguf");
  GgufExportOptions options;
  options.type = parse_ggml_type(request.gguf_type);
  const HubModel hub = open_model_folder("export --format gguf", request.run_dir, request.adapter);
  const auto tokenizer = HubTokenizer::load(hub.folder);  // a run's is its source folder's
  const GgufExportSummary summary = export_hub_gguf(hub, *tokenizer, options, request.out);
  auto modelfile = request.out;
  modelfile.replace_extension(".Modelfile");
  write_text_atomically(modelfile, ollama_modelfile(request.out, summary));
  std::string types;
  for (const auto& [type, count] : summary.tensors_by_type)
    types += (types.empty() ? "" : ", ") + std::to_string(count) + " " + type;
  const double mib = static_cast<double>(summary.tensor_bytes) / (1024.0 * 1024.0);
  std::printf("GGUF %s: architecture %s, %lld tensors (%s), %lld parameters, %.*f MiB of tensor data\n",
              request.out.string().c_str(), summary.architecture.c_str(), static_cast<long long>(summary.tensors),
              types.c_str(), static_cast<long long>(summary.parameters), mib < 10 ? 3 : 1, mib);
  std::printf("  Modelfile %s (ollama create NAME -f %s)\n", modelfile.string().c_str(), modelfile.string().c_str());
  std::printf("  llama.cpp: llama-cli -m %s -cnv\n", request.out.string().c_str());
  return 0;
}

}  // namespace

int export_bundle(const ExportRequest& request) {
  if (request.format == "gguf") return export_gguf(request);
  if (request.format == "hf") return export_hf(request);
  if (!request.adapter.empty()) throw ConfigError("export: --adapter belongs to a Hugging Face model folder");
  if (!request.dtype.empty()) throw ConfigError("export: --dtype belongs to --format hf");
  const Json manifest = cradle::export_bundle(request.run_dir, request.out, request.onnx);
  std::printf("bundle %s: %s model (%s), %s input %s, %lld outputs\n", request.out.string().c_str(),
              manifest["model"]["type"].get<std::string>().c_str(), manifest["task"].get<std::string>().c_str(),
              manifest["input"]["kind"].get<std::string>().c_str(), manifest["input"]["shape"].dump().c_str(),
              static_cast<long long>(manifest["outputs"].get<std::int64_t>()));
  for (const auto& [what, file] : manifest["files"].items())
    std::printf("  %-11s %s\n", what.c_str(), file.get<std::string>().c_str());
  if (manifest.contains("onnx")) {
    const Json& graph = manifest["onnx"];
    std::printf("ONNX opset %lld, %lld nodes, %s: ONNX checker passed\n",
                static_cast<long long>(graph["opset"].get<std::int64_t>()),
                static_cast<long long>(graph["nodes"].get<std::int64_t>()),
                graph["signature"].get<std::string>().c_str());
    for (const Json& check : graph["runtime_checks"])
      std::printf("  %s on %lld inputs: max |difference| from LibTorch %.3g (tolerance %.0e)\n",
                  check["runtime"].get<std::string>().c_str(),
                  static_cast<long long>(check["samples"].get<std::int64_t>()),
                  check["max_abs_difference"].get<double>(), check["tolerance"].get<double>());
  }
  return 0;
}

int merge_adapter(const MergeRequest& request) {
  check_hub_folder_destination(request.out);
  HubModel hub = open_model_folder("merge", request.model, request.adapter);
  HubFolderExportOptions options;
  if (!request.dtype.empty()) options.dtype = parse_hub_dtype(request.dtype);
  const auto config = read_peft_adapter_config(request.adapter);
  options.base_model = config.base_model.empty() ? request.model.filename().string() : config.base_model;
  options.note = "The LoRA adapter " + request.adapter.filename().string() +
                 " (r = " + std::to_string(config.options.rank) + ", alpha " + Json(config.options.alpha).dump() +
                 ", on " + describe(config.targets) + ") is merged into the weights.";
  print_hub_folder(request.out, export_hub_folder(hub, request.out, options));
  return 0;
}

int predict(const PredictRequest& request) {
  ModelBundle bundle = open_bundle_or_model_folder(request.bundle);
  std::vector<BundlePrediction> predictions;
  const bool language_model = bundle.experiment.task == Task::LanguageModel;
  if (language_model) {
    for (const auto& prompt : request.inputs) {
      if (request.json) {
        predictions.push_back(generate_text(bundle, prompt, request.sampling));
        continue;
      }
      std::fputs(prompt.c_str(), stdout);  // the continuation streams after it
      std::fflush(stdout);
      const auto p = generate_text(bundle, prompt, request.sampling, [](const std::string& piece) {
        std::fputs(piece.c_str(), stdout);
        std::fflush(stdout);
        return true;
      });
      std::printf("\n");
      std::fprintf(stderr, "[%zu tokens, %.0f tokens/s; finished: %s]\n", p.generation->tokens.size(),
                   p.generation->tokens_per_second, p.generation->finish_reason.c_str());
    }
  } else if (bundle.input.kind == "image") {
    std::vector<std::filesystem::path> files(request.inputs.begin(), request.inputs.end());
    predictions = predict_images(bundle, files, request.top_k);
  } else if (bundle.input.kind == "text") {
    predictions = classify_texts(bundle, request.inputs, request.top_k);
  } else {
    std::vector<std::filesystem::path> files(request.inputs.begin(), request.inputs.end());
    predictions = predict_table_rows(bundle, files, request.top_k);
  }
  int failed = 0;
  for (const auto& p : predictions) {
    failed += p.error.empty() ? 0 : 1;
    if (request.json) {
      std::printf("%s\n", prediction_to_json(p).dump().c_str());
    } else if (!p.error.empty()) {
      std::fprintf(stderr, "cradle-cli: error: %s\n", p.error.c_str());
    } else if (p.value) {
      std::printf("%s: %.6g\n", p.input.c_str(), *p.value);
    } else if (!p.top.empty()) {
      std::printf("%s: %s (%.1f%%)", p.input.c_str(), p.top.front().label.c_str(), 100 * p.top.front().probability);
      for (std::size_t i = 1; i < p.top.size(); ++i)
        std::printf(", %s %.1f%%", p.top[i].label.c_str(), 100 * p.top[i].probability);
      std::printf("\n");
    }
  }
  return failed > 0 ? 1 : 0;
}

namespace {
std::atomic<bool> g_stop_serving{false};
extern "C" void on_serve_interrupt(int) { g_stop_serving = true; }
}  // namespace

int serve(const ServeRequest& request) {
  ModelBundle bundle = open_bundle_or_model_folder(request.bundle);
  const bool language_model = bundle.experiment.task == Task::LanguageModel;
  ServiceOptions options;
  options.host = request.host;
  options.port = request.port;
  options.threads = request.threads;
  options.guard.max_connections_per_client = request.max_connections_per_client;
  options.max_batch = static_cast<std::size_t>(request.max_batch);
  options.api_key = request.api_key;
  if (options.api_key.empty())
    if (const char* key = std::getenv("CRADLE_API_KEY")) options.api_key = key;
  // The samples are written before the service takes the bundle, the address filled in once the port is known.
  const std::string placeholder = "http://ADDRESS";
  const auto samples = sample_requests(bundle, placeholder, !options.api_key.empty());
  const std::string model_id = served_model_id(bundle);
  PredictionService service(std::move(bundle), options);
  const int port = service.bind();
  const std::string address = "http://" + request.host + ":" + std::to_string(port);
  std::printf("serving %s on %s (Ctrl+C stops)\n", request.bundle.string().c_str(), address.c_str());
  const bool loopback = request.host == "127.0.0.1" || request.host == "localhost" || request.host == "::1";
  if (!options.api_key.empty())
    std::printf("  requests need \"Authorization: Bearer <key>\" (all but GET /v1/health)\n");
  else if (!request.host_given)
    std::printf(
        "  no API key: listening on this machine only; to serve others give --api-key KEY (or set "
        "CRADLE_API_KEY) and --host 0.0.0.0\n");
  else if (!loopback)
    std::printf(
        "  warning: no API key: anyone who reaches %s can use the model (give --api-key KEY or set "
        "CRADLE_API_KEY)\n",
        address.c_str());
  std::printf("  GET %s/v1/health, GET %s/v1/model, GET %s/metrics\n", address.c_str(), address.c_str(),
              address.c_str());
  if (language_model) std::printf("  OpenAI's API: %s/v1 (model \"%s\")\n", address.c_str(), model_id.c_str());
  for (const auto& sample : samples) {
    if (sample.language != "sh") continue;  // the clients' code is in the README and the export dialog
    std::string code = sample.code;
    for (auto at = code.find(placeholder); at != std::string::npos; at = code.find(placeholder, at + address.size()))
      code.replace(at, placeholder.size(), address);
    std::printf("  %s\n", code.c_str());
  }
  std::fflush(stdout);
  g_stop_serving = false;
  auto previous = std::signal(SIGINT, on_serve_interrupt);
  auto previous_term = std::signal(SIGTERM, on_serve_interrupt);
  std::thread watcher([&service] {
    while (!g_stop_serving) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    service.stop();
  });
  service.run();
  g_stop_serving = true;
  watcher.join();
  std::signal(SIGINT, previous);
  std::signal(SIGTERM, previous_term);
  std::printf("stopped\n");
  return 0;
}

namespace {

void add_export_command(CLI::App& app, CommandChoice& choice) {
  auto export_request = std::make_shared<ExportRequest>();
  auto* export_command = app.add_subcommand(
      "export",
      "Write a model bundle of a finished run (weights, safetensors, experiment, tokenizer, report, model card), or a "
      "GGUF file or Hugging Face folder of a Hugging Face model folder");
  export_command
      ->add_option("run", export_request->run_dir,
                   "Run folder (or a Hugging Face model folder with --format gguf or hf)")
      ->required();
  export_command
      ->add_option("--out", export_request->out,
                   "Bundle folder to create, NAME.cradle for one zip file, NAME.gguf (--format gguf), or a new "
                   "folder (--format hf)")
      ->required();
  export_command
      ->add_option("--format", export_request->format,
                   "bundle (default); gguf: a GGUF file for llama.cpp and Ollama, with an Ollama Modelfile beside "
                   "it; hf: a Hugging Face folder transformers loads")
      ->check(CLI::IsMember({"bundle", "gguf", "hf"}));
  export_command->add_option("--adapter", export_request->adapter,
                             "gguf, hf: a peft LoRA adapter folder, merged into the model folder's weights");
  export_command
      ->add_option("--dtype", export_request->dtype,
                   "hf: the weights' type, float32, float16 or bfloat16 (default: as the model folder stores them)")
      ->check(CLI::IsMember({"float32", "float16", "bfloat16"}));
  export_command
      ->add_option("--type", export_request->gguf_type,
                   "gguf: the matrices' type, f32, f16 (default) or q8_0; norms and biases stay f32")
      ->check(CLI::IsMember({"f32", "f16", "q8_0"}));
  export_command->add_flag(
      "--onnx", export_request->onnx,
      "Also model/model.onnx (opset 13), run in ONNX Runtime and OpenCV's DNN and compared with LibTorch (max difference 1e-4)");
  export_command->callback(
      [&choice, export_request] { choice.run = [export_request] { return cli::export_bundle(*export_request); }; });
}

void add_predict_command(CLI::App& app, CommandChoice& choice) {
  auto predict_request = std::make_shared<PredictRequest>();
  SamplingOptions& sampling = predict_request->sampling;
  auto* predict_command = app.add_subcommand(
      "predict",
      "Predict with a bundle or a Hugging Face model folder: image files, CSV files (table models), texts, or prompts "
      "to continue (a chat model's prompts are the user's turn)");
  predict_command
      ->add_option("bundle", predict_request->bundle,
                   "Bundle folder or .cradle file (cradle-cli export), or a Hugging Face model folder")
      ->required();
  predict_command
      ->add_option(
          "inputs", predict_request->inputs,
          "Image files (image models), CSV files with a header naming the feature columns (table models; one prediction per row), texts (text classifiers) or prompts (language models)")
      ->required();
  predict_command->add_option("--top-k", predict_request->top_k, "Classes shown per input (default 3)")
      ->check(CLI::Range(1, 1000));
  predict_command->add_flag("--json", predict_request->json, "One JSON object per input, a line each");
  predict_command
      ->add_option("--max-tokens", sampling.max_new_tokens, "Language models: new tokens at most (default 128)")
      ->check(CLI::Range(1, 1000000));
  predict_command->add_option("--temperature", sampling.temperature, "0 is greedy (default 1)")
      ->check(CLI::Range(0.0, 100.0));
  predict_command->add_option("--top-p", sampling.top_p, "Nucleus sampling (default 1)")->check(CLI::Range(1e-9, 1.0));
  predict_command->add_option("--top-k-tokens", sampling.top_k, "Sample from the k likeliest tokens; 0 all (default)")
      ->check(CLI::Range(0, 10000000));
  predict_command->add_option("--seed", sampling.seed, "Random seed (default 0)");
  predict_command->callback([&choice, predict_request] {
    choice.run = [predict_request] {
      for (auto& input : predict_request->inputs) input = unescape(input);
      return predict(*predict_request);
    };
  });
}

void add_serve_command(CLI::App& app, CommandChoice& choice) {
  auto serve_request = std::make_shared<ServeRequest>();
  auto* serve_command = app.add_subcommand(
      "serve",
      "Serve a bundle or a Hugging Face model folder over HTTP/JSON: /v1/predict, /v1/generate, /v1/health, "
      "/v1/model, /metrics, and for language models OpenAI's /v1/models, /v1/chat/completions, /v1/completions");
  serve_command
      ->add_option("bundle", serve_request->bundle,
                   "Bundle folder or .cradle file (cradle-cli export), or a Hugging Face model folder")
      ->required();
  serve_command->add_option("--host", serve_request->host,
                            "Address to listen on (default 127.0.0.1: this machine only)");
  serve_command->add_option("--port", serve_request->port, "Port (default 8080; 0: any free one)")
      ->check(CLI::Range(0, 65535));
  serve_command->add_option("--threads", serve_request->threads, "Connections served at once (default 32)")
      ->check(CLI::Range(2, 1024));
  serve_command
      ->add_option(
          "--max-connections-per-client", serve_request->max_connections_per_client,
          "Connections one client address may hold at once, the rest refused with 429 (default 16; below --threads)")
      ->check(CLI::Range(1, 1024));
  serve_command->add_option("--api-key", serve_request->api_key,
                            "Requests must carry \"Authorization: Bearer KEY\" (default: the CRADLE_API_KEY "
                            "environment variable; none: this machine only unless --host is given)");
  serve_command
      ->add_option("--max-batch", serve_request->max_batch,
                   "Language models: sequences generated together, step by step (default 32)")
      ->check(CLI::Range(1, 256));
  serve_command->callback([&choice, serve_request, serve_command] {
    serve_request->host_given = serve_command->get_option("--host")->count() > 0;
    choice.run = [serve_request] {
      if (serve_request->max_connections_per_client >= serve_request->threads) {
        std::fprintf(
            stderr,
            "cradle-cli serve: --max-connections-per-client (%d) must be below --threads (%d), so one client cannot hold every worker\n",
            serve_request->max_connections_per_client, serve_request->threads);
        return 2;
      }
      return serve(*serve_request);
    };
  });
}

void add_merge_command(CLI::App& app, CommandChoice& choice) {
  auto request = std::make_shared<MergeRequest>();
  auto* merge = app.add_subcommand(
      "merge", "Fold a LoRA adapter (peft's layout) into a Hugging Face model folder's weights, as a new model folder");
  merge->add_option("model", request->model, "The Hugging Face model folder the adapter was trained on")->required();
  merge->add_option("adapter", request->adapter, "The adapter folder (adapter_config.json, adapter_model.safetensors)")
      ->required();
  merge->add_option("--out", request->out, "The merged model folder to create")->required();
  merge
      ->add_option("--dtype", request->dtype,
                   "The weights' type, float32, float16 or bfloat16 (default: as the model folder stores them)")
      ->check(CLI::IsMember({"float32", "float16", "bfloat16"}));
  merge->callback([&choice, request] { choice.run = [request] { return merge_adapter(*request); }; });
}

}  // namespace

void add_export_commands(CLI::App& app, CommandChoice& choice) {
  add_export_command(app, choice);
  add_merge_command(app, choice);
  add_predict_command(app, choice);
  add_serve_command(app, choice);
}

}  // namespace cradle::cli
