// cradle-cli eval, generate and compare: judging trained runs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/eval/evaluation_report.h"
#include "core/eval/inference_weights.h"
#include "core/eval/text_generation.h"
#include "core/export/gguf_header.h"
#include "core/hub/gguf_tokenizer.h"
#include "core/hub/hub_chat_template.h"
#include "core/hub/hub_end_tokens.h"
#include "core/hub/hub_gguf_import.h"
#include "core/hub/hub_model.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/peft_adapter.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_folder.h"
#include "core/run/run_text_generator.h"
#include "core/run/run_weights.h"
#include "core/text/chat_template.h"

namespace cradle::cli {
namespace fs = std::filesystem;
namespace {

long long count(std::int64_t value) { return static_cast<long long>(value); }

void print_classification(const EvaluationResult& r) {
  const auto& c = *r.classification;
  std::printf("%s: accuracy %.4f, loss %.4f (%lld samples)\n", r.split.c_str(), c.accuracy, r.loss, count(r.samples));
  std::printf("top-%lld accuracy %.4f, macro F1 %.4f, weighted F1 %.4f, micro F1 %.4f", count(c.top_k),
              c.top_k_accuracy, c.macro.f1, c.weighted.f1, c.micro.f1);
  if (c.roc_auc) std::printf(", ROC-AUC %.4f", *c.roc_auc);
  std::printf(", calibration error %.4f\n\n", c.expected_calibration_error);
  std::size_t width = 5;
  for (const auto& name : r.class_names) width = std::max(width, name.size());
  std::printf("%-*s  %9s  %6s  %6s  %7s\n", static_cast<int>(width), "class", "precision", "recall", "F1", "support");
  for (std::size_t i = 0; i < c.classes.size(); ++i) {
    const auto& k = c.classes[i];
    std::printf("%-*s  %9.4f  %6.4f  %6.4f  %7lld\n", static_cast<int>(width),
                i < r.class_names.size() ? r.class_names[i].c_str() : std::to_string(i).c_str(), k.precision, k.recall,
                k.f1, count(k.support));
  }
  // The most frequent confusions, largest first.
  std::vector<std::tuple<std::int64_t, std::size_t, std::size_t>> confusions;
  for (std::size_t i = 0; i < c.confusion.size(); ++i)
    for (std::size_t j = 0; j < c.confusion[i].size(); ++j)
      if (i != j && c.confusion[i][j] > 0) confusions.emplace_back(c.confusion[i][j], i, j);
  std::sort(confusions.rbegin(), confusions.rend());
  if (!confusions.empty()) std::printf("\nmost confused (true -> predicted):");
  for (std::size_t n = 0; n < std::min<std::size_t>(5, confusions.size()); ++n) {
    const auto& [times, i, j] = confusions[n];
    std::printf("%s %s -> %s %lld", n ? "," : "", r.class_names.at(i).c_str(), r.class_names.at(j).c_str(),
                count(times));
  }
  if (!confusions.empty()) std::printf("\n");
}

}  // namespace

int evaluate(const EvaluateRequest& request) {
  EvaluationRequest core_request;
  core_request.run_dir = request.run_dir;
  core_request.split = request.split;
  core_request.checkpoint = request.checkpoint;
  const EvaluationResult r = evaluate_run(core_request);
  std::printf("run %s, %s split, weights %s (%s)\n", r.run.c_str(), r.split.c_str(), r.checkpoint.c_str(),
              r.weights_file.c_str());
  if (r.regression) {
    const auto& g = *r.regression;
    std::printf("%s: mae %.6g, rmse %.6g, r2 %.4f, loss %.4f (%lld samples)\nmse %.6g, mean residual %.6g\n",
                r.split.c_str(), g.mae, g.rmse, g.r2, r.loss, count(r.samples), g.mse, g.mean_residual);
  } else if (r.preferences) {
    const auto& p = *r.preferences;
    std::printf(
        "%s: preference accuracy %.4f, reward gap %.4f, loss %.4f (%lld pairs)\n"
        "mean reward: chosen %.4f, rejected %.4f\n",
        r.split.c_str(), p.accuracy, p.reward_gap, p.loss, count(p.pairs), p.chosen_reward, p.rejected_reward);
  } else if (r.policy) {
    const auto& p = *r.policy;
    std::printf("%s: mean score %.4f, %.0f%% ended their turn, %.1f tokens per reply (%lld prompts, %s)\n",
                r.split.c_str(), p.score, 100 * p.ended_turn, p.response_tokens, count(p.prompts), p.reward.c_str());
    for (const auto& g : r.generations)
      std::printf("\n> %s%s  [score %.3f]\n", g.prompt.c_str(), g.text.c_str(), g.score.value_or(0));
  } else if (r.language_model) {
    const auto& m = *r.language_model;
    std::printf("%s: token accuracy %.4f, loss %.4f, perplexity %.2f (%lld sequences, %lld tokens)\n", r.split.c_str(),
                m.token_accuracy, m.cross_entropy, m.perplexity, count(m.sequences), count(m.tokens));
    std::printf("bits per token %.4f, bits per character %.4f (%lld characters)\n", m.bits_per_token,
                m.bits_per_character, count(m.characters));
    for (const auto& g : r.generations) std::printf("\n> %s%s\n", g.prompt.c_str(), g.text.c_str());
  } else {
    print_classification(r);
  }
  if (r.training_report_accuracy)
    std::printf("report.json: test %saccuracy %.4f\n", r.language_model ? "token " : "", *r.training_report_accuracy);
  const fs::path dir = request.out.empty() ? default_evaluation_dir(r) : request.out;
  std::printf("\n");
  for (const auto& file : write_evaluation_report(r, dir)) std::printf("written: %s\n", file.string().c_str());
  return 0;
}

namespace {

bool print_piece(const std::string& piece) {
  std::fputs(piece.c_str(), stdout);
  std::fflush(stdout);  // each piece as soon as it is known
  return true;
}

// The prompt shown and continued: as the user's chat turn when `chat_prompt`
// holds its ids in the model's chat format, else as text; then the speed.
int stream_generation(TextGenerator& generator, const GenerateRequest& request,
                      const std::optional<std::vector<std::int64_t>>& chat_prompt) {
  Generation g;
  if (chat_prompt) {
    std::printf("user: %s\nassistant:", request.prompt.c_str());
    std::fflush(stdout);
    g = generator.generate_from(*chat_prompt, request.sampling, print_piece);
  } else {
    std::fputs(request.prompt.c_str(), stdout);
    std::fflush(stdout);
    g = generator.generate(request.prompt, request.sampling, print_piece);
  }
  std::printf("\n");
  std::fprintf(stderr, "[%lld tokens in %.2f s, %.0f tokens/s, %s; finished: %s]\n",
               count(static_cast<std::int64_t>(g.tokens.size())), g.seconds, g.tokens_per_second,
               g.cached ? "key/value cache" : "context recomputed", g.finish_reason.c_str());
  return 0;
}

// A downloaded model: the architecture, its tokenizer and the ids that end its text.
struct DownloadedModel {
  HubModel hub;
  std::shared_ptr<const HubTokenizer> tokenizer;
  std::vector<std::int64_t> end_ids;
};

// A Hub folder, with a peft adapter merged in where the request names one.
DownloadedModel open_model_folder(const GenerateRequest& request) {
  DownloadedModel m{load_hub_model(request.run_dir), HubTokenizer::load(request.run_dir), {}};
  if (!request.adapter.empty()) {
    const LoadedAdapter adapter = merge_peft_adapter(m.hub, request.adapter);
    std::fprintf(stderr, "[adapter %s: LoRA r = %lld on %zu projections, merged]\n", request.adapter.string().c_str(),
                 static_cast<long long>(adapter.config.options.rank), adapter.modules.size());
  }
  check_tokenizer_fits(*m.tokenizer, m.hub.config.vocab_size, request.run_dir);
  m.end_ids = hub_end_of_text_ids(request.run_dir, m.hub.config, *m.tokenizer);
  return m;
}

// A GGUF file: the model, tokenizer and end ids its metadata describes (core/hub/gguf_tokenizer.h).
DownloadedModel open_gguf_file(const GenerateRequest& request) {
  if (!request.adapter.empty())
    throw ConfigError("generate: --adapter merges into a Hugging Face model folder, not into a GGUF file");
  const GgufFile file = read_gguf(request.run_dir);
  DownloadedModel m{load_gguf_model(file), gguf_tokenizer(file), gguf_end_of_text_ids(file)};
  check_tokenizer_fits(*m.tokenizer, m.hub.config.vocab_size, request.run_dir);
  return m;
}

// A downloaded model as it is: its tokenizer, its chat template (unless
// plain_text), and its end-of-text ids.
int generate_from_downloaded_model(DownloadedModel m, const GenerateRequest& request) {
  const ChosenWeights weights = choose_inference_weights(parse_inference_weights(request.weights), torch::kCPU);
  m.hub.model->to(weights.type);
  const std::shared_ptr<const HubTokenizer> tokenizer = m.tokenizer;
  TextGenerator generator(
      m.hub.model, tokenizer,
      [tokenizer](const std::string& text) { return tokenizer->encode_with_special_tokens(text); }, m.end_ids);
  std::optional<std::vector<std::int64_t>> chat_prompt;
  if (!tokenizer->chat_template().empty() && !request.plain_text) {
    const nlohmann::ordered_json messages = {{{"role", "user"}, {"content", request.prompt}}};
    // As transformers' apply_chat_template: the template writes the special tokens itself.
    chat_prompt = tokenizer->encode(apply_hub_chat_template(*tokenizer, messages, true));
  }
  std::fprintf(stderr, "[weights: %s]\n", weights.reason.c_str());
  return stream_generation(generator, request, chat_prompt);
}

}  // namespace

int generate(const GenerateRequest& request) {
  const bool gguf_file = request.run_dir.extension() == ".gguf";
  if (gguf_file || is_hub_model_folder(request.run_dir)) {
    if (request.checkpoint != "last")
      throw ConfigError("generate: --checkpoint names a run's weights, not a model folder's or a GGUF file's");
    return generate_from_downloaded_model(gguf_file ? open_gguf_file(request) : open_model_folder(request), request);
  }
  if (request.weights != "auto")
    throw ConfigError("generate: --weights belongs to a Hugging Face model folder or a GGUF file");
  if (!request.adapter.empty()) throw ConfigError("generate: --adapter belongs to a Hugging Face model folder");
  const auto loaded = load_run_language_model(request.run_dir, request.checkpoint);
  const ModelSpec& spec = loaded.experiment.model;
  TextGenerator generator =
      model_text_generator(loaded.model, loaded.tokenizer, loaded.experiment.data.context_length, spec);
  if (!is_chat_policy(loaded.experiment) || request.plain_text) return stream_generation(generator, request, {});
  // A chat model: the prompt is the user's turn, and the reply ends with the assistant's.
  return stream_generation(generator, request, user_turn_prompt(spec, loaded.tokenizer, request.prompt));
}

namespace {

// Every leaf of a JSON document by its path (a.b[2].c).
void flatten(const Json& value, const std::string& path, std::map<std::string, std::string>& out) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it)
      flatten(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
  } else if (value.is_array() && !value.empty() && (value.front().is_object() || value.front().is_array())) {
    for (std::size_t i = 0; i < value.size(); ++i) flatten(value[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    out[path] = value.is_string() ? value.get<std::string>() : value.dump();
  }
}

std::string shorten(const std::string& text, std::size_t width) {
  return text.size() <= width ? text : text.substr(0, width - 3) + "...";
}

}  // namespace

int compare(const CompareRequest& request) {
  const std::vector<std::filesystem::path>& runs = request.runs;
  if (runs.size() < 2) throw ConfigError("compare: name at least two run folders");
  std::vector<std::map<std::string, std::string>> configs, results;
  std::vector<std::string> names;
  for (const auto& dir : runs) {
    const RunFolder run = open_run_folder(dir);
    std::map<std::string, std::string> config, result;
    flatten(parse_json_text(read_file(run.experiment_file()), run.experiment_file().string()), "", config);
    if (fs::exists(run.report_file())) {
      const Json report = parse_json_text(read_file(run.report_file()), run.report_file().string());
      for (const char* key : {"status", "epochs_completed", "steps", "wall_seconds", "median_train_samples_per_second"})
        if (report.contains(key))
          result[key] = report[key].is_string() ? report[key].get<std::string>() : report[key].dump();
      if (report.contains("model") && report["model"].contains("parameters"))
        result["parameters"] = report["model"]["parameters"].dump();
      if (report.contains("metrics")) flatten(report["metrics"], "", result);
    } else {
      result["status"] = "no report (running or killed)";
    }
    configs.push_back(std::move(config));
    results.push_back(std::move(result));
    names.push_back(fs::absolute(dir).lexically_normal().filename().string());
    if (names.back().empty()) names.back() = fs::absolute(dir).lexically_normal().parent_path().filename().string();
  }
  const auto table = [&](const char* title, const std::vector<std::map<std::string, std::string>>& rows,
                         bool only_differing) {
    std::map<std::string, bool> keys;
    for (const auto& row : rows)
      for (const auto& [key, value] : row) keys[key] = true;
    std::vector<std::string> shown;
    for (const auto& [key, unused] : keys) {
      bool differs = false;
      for (const auto& row : rows) {
        const auto a = row.find(key), b = rows.front().find(key);
        differs |= (a == row.end()) != (b == rows.front().end()) || (a != row.end() && a->second != b->second);
      }
      if (differs || !only_differing) shown.push_back(key);
    }
    std::size_t width = 5;
    for (const auto& key : shown) width = std::max(width, key.size());
    std::printf("%s\n%-*s", title, static_cast<int>(width), "");
    for (const auto& name : names) std::printf("  %-22s", shorten(name, 22).c_str());
    std::printf("\n");
    if (shown.empty()) std::printf("(none)\n");
    for (const auto& key : shown) {
      std::printf("%-*s", static_cast<int>(width), key.c_str());
      for (const auto& row : rows) {
        const auto it = row.find(key);
        std::string value = it == row.end() ? "-" : it->second;
        if (it != row.end()) {
          char* end = nullptr;
          const double number = std::strtod(value.c_str(), &end);
          if (end && *end == '\0' && value.find('.') != std::string::npos) {
            char text[32];
            std::snprintf(text, sizeof text, "%.6g", number);
            value = text;
          }
        }
        std::printf("  %-22s", shorten(value, 22).c_str());
      }
      std::printf("\n");
    }
  };
  table("configuration (fields that differ)", configs, true);
  std::printf("\n");
  table("results (report.json)", results, false);
  return 0;
}

void add_evaluation_commands(CLI::App& app, CommandChoice& choice) {
  auto eval_request = std::make_shared<EvaluateRequest>();
  auto* eval =
      app.add_subcommand("eval", "Evaluate a run on a split: metrics, report.json, report.html, predictions.csv");
  eval->add_option("run", eval_request->run_dir, "Run folder")->required();
  eval->add_option("--split", eval_request->split, "train, validation or test (default test)")
      ->check(CLI::IsMember({"train", "validation", "test"}));
  eval->add_option("--checkpoint", eval_request->checkpoint, "last (default), best, or a checkpoint file");
  eval->add_option("--out", eval_request->out, "Folder for the report (default <run>/evaluation/<split>-<checkpoint>)");
  eval->callback([&choice, eval_request] { choice.run = [eval_request] { return evaluate(*eval_request); }; });

  auto generate_request = std::make_shared<GenerateRequest>();
  auto no_cache = std::make_shared<bool>(false);
  SamplingOptions& sampling = generate_request->sampling;
  auto* generate_command = app.add_subcommand("generate",
                                              "Generate text from a language-model run, a Hugging Face model folder "
                                              "or a GGUF file, streamed, with tokens/s");
  generate_command
      ->add_option("run", generate_request->run_dir,
                   "Run folder, a Hugging Face model folder, or a GGUF file (NAME.gguf)")
      ->required();
  generate_command->add_flag("--no-chat-template", generate_request->plain_text,
                             "Continue the prompt as text instead of putting it in the model's chat template");
  generate_command
      ->add_option("--weights", generate_request->weights,
                   "A model folder or GGUF file: its weights' type while generating, auto (default: bfloat16 where "
                   "the processor computes it natively, else float32), float32 or bfloat16")
      ->check(CLI::IsMember({"auto", "float32", "bfloat16"}));
  generate_command->add_option("--adapter", generate_request->adapter,
                               "A model folder: a peft LoRA adapter folder for it, merged in before generating");
  generate_command->add_option("--prompt", generate_request->prompt,
                               "Text to continue (default: the start of a new text); \\n is a line break");
  generate_command->add_option("--checkpoint", generate_request->checkpoint,
                               "last (default), best, or a checkpoint file");
  generate_command->add_option("--max-tokens", sampling.max_new_tokens, "New tokens at most (default 128)")
      ->check(CLI::Range(1, 1000000));
  generate_command->add_option("--temperature", sampling.temperature, "0 is greedy (default 1)")
      ->check(CLI::Range(0.0, 100.0));
  generate_command->add_option("--top-k", sampling.top_k, "Sample from the k likeliest tokens; 0 all (default)")
      ->check(CLI::Range(0, 10000000));
  generate_command
      ->add_option("--top-p", sampling.top_p, "Nucleus: the likeliest tokens holding this probability (default 1)")
      ->check(CLI::Range(1e-9, 1.0));
  generate_command
      ->add_option("--repetition-penalty", sampling.repetition_penalty, "Above 1 discourages repeats (default 1)")
      ->check(CLI::Range(1e-6, 100.0));
  generate_command->add_option("--stop", sampling.stop, "Stop before this string, e.g. \"\\n\\n\" (repeatable)");
  generate_command->add_option("--seed", sampling.seed, "Random seed (default 0)");
  generate_command->add_flag("--no-cache", *no_cache,
                             "Recompute the context for every token instead of the key/value cache");
  generate_command->callback([&choice, generate_request, no_cache] {
    choice.run = [generate_request, no_cache] {
      generate_request->sampling.use_cache = !*no_cache;
      generate_request->prompt = unescape(generate_request->prompt);
      for (auto& stop : generate_request->sampling.stop) stop = unescape(stop);
      return generate(*generate_request);
    };
  });

  auto compare_request = std::make_shared<CompareRequest>();
  auto* compare_command =
      app.add_subcommand("compare", "Side by side: the configurations that differ and the final metrics");
  compare_command->add_option("runs", compare_request->runs, "Run folders (two or more)")->required()->expected(2, -1);
  compare_command->callback(
      [&choice, compare_request] { choice.run = [compare_request] { return compare(*compare_request); }; });
}

}  // namespace cradle::cli
