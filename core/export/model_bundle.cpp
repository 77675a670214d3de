#include "core/export/model_bundle.h"

#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/data/classification_data.h"
#include "core/data/tabular_data.h"
#include "core/export/bundle_archive.h"
#include "core/export/model_card.h"
#include "core/export/onnx_checked_export.h"
#include "core/export/safetensors.h"
#include "core/hub/pretrained_language_model.h"
#include "core/models/model_factory.h"
#include "core/models/text_classifier.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// Where a bundle keeps the architecture of a run tuned from a Hugging Face folder.
constexpr const char* kBundleArchitecture = "model/architecture";

torch::nn::Sequential build_bundle_model(const Experiment& e, const BundleInput& input, std::int64_t outputs,
                                         std::int64_t vocabulary) {
  if (is_text_classification(e)) return build_text_classifier(e.model, input.shape.at(0), vocabulary, outputs);
  if (e.model.is_pretrained()) {
    // The architecture from config.json alone, with fresh weights: the bundle's own replace them, so
    // the folder's weights are neither read nor needed.
    HubModel hub;
    hub.config = load_hub_config(e.resolve(e.model.folder));
    hub.model = build_hub_architecture(hub.config);
    return pretrained_sequential(hub);
  }
  return build_model(e.model, input.shape, outputs, input.category_sizes);
}

Json input_to_json(const BundleInput& input) {
  Json j = {{"kind", input.kind}, {"shape", input.shape}};
  if (input.kind == "image")
    j.update({{"keep_aspect", input.keep_aspect},
              {"normalize_mean", input.normalize_mean},
              {"normalize_std", input.normalize_std},
              {"pixel_scale", "value / 255, then (value - mean) / std per channel"}});
  if (!input.decoded_size.empty()) j["decoded_size"] = input.decoded_size;
  if (!input.category_sizes.empty()) j["category_sizes"] = input.category_sizes;
  if (input.table) j["table"] = table_encoding_to_json(*input.table);
  return j;
}

template <typename T>
T field(const Json& manifest, const fs::path& file, const char* key) {
  try {
    return manifest.at(key).get<T>();
  } catch (const Json::exception&) {
    throw DataError(file.string() + ": field \"" + key + "\" is missing or malformed");
  }
}

BundleInput input_from_json(const Json& j, const fs::path& file) {
  BundleInput input;
  input.kind = field<std::string>(j, file, "kind");
  input.shape = field<std::vector<std::int64_t>>(j, file, "shape");
  if (input.kind != "image" && input.kind != "table" && input.kind != "text")
    throw DataError(file.string() + ": input.kind \"" + input.kind + "\" is not image, table or text");
  if (input.shape.empty() || (input.kind == "image" && input.shape.size() != 3))
    throw DataError(file.string() + ": input.shape " + Json(input.shape).dump() + " does not fit input.kind \"" +
                    input.kind + "\"");
  for (const auto size : input.shape)
    if (size < 1 || size > (1 << 20))
      throw DataError(file.string() + ": input.shape " + Json(input.shape).dump() + " holds a size out of range");
  if (input.kind == "image") {
    input.keep_aspect = field<bool>(j, file, "keep_aspect");
    input.normalize_mean = field<std::vector<double>>(j, file, "normalize_mean");
    input.normalize_std = field<std::vector<double>>(j, file, "normalize_std");
    if (static_cast<std::int64_t>(input.normalize_mean.size()) != input.shape[0] ||
        input.normalize_std.size() != input.normalize_mean.size())
      throw DataError(file.string() + ": input.normalize_mean and normalize_std need one value per channel (" +
                      std::to_string(input.shape[0]) + ")");
    if (j.contains("decoded_size")) {
      input.decoded_size = field<std::vector<std::int64_t>>(j, file, "decoded_size");
      if (input.decoded_size.size() != 2 || input.decoded_size[0] < input.shape[1] ||
          input.decoded_size[1] < input.shape[2] || input.decoded_size[0] > (1 << 15) ||
          input.decoded_size[1] > (1 << 15))
        throw DataError(file.string() + ": input.decoded_size " + Json(input.decoded_size).dump() +
                        " must be [height, width] no smaller than input.shape's");
    }
  }
  if (j.contains("category_sizes")) input.category_sizes = field<std::vector<std::int64_t>>(j, file, "category_sizes");
  if (input.kind == "table" && j.contains("table")) {
    input.table = table_encoding_from_json(j["table"], file.string());
    if (input.table->width() != input.shape[0])
      throw DataError(file.string() + ": input.table encodes " + std::to_string(input.table->width()) +
                      " values per row, input.shape says " + std::to_string(input.shape[0]));
  }
  return input;
}

}  // namespace

namespace {

// What a bundle is made of, read from the run: the model's input, its outputs
// and class names, the tokenizer of a text model, and real inputs for the ONNX check.
struct BundleSource {
  BundleInput input;
  torch::Tensor check_inputs;
  std::vector<std::string> class_names;
  std::int64_t outputs = 0, vocabulary = 0;
  std::shared_ptr<const Tokenizer> tokenizer;
};

BundleSource read_bundle_source(const RunFolder& run, const Experiment& e, const Json& report) {
  BundleSource source;
  BundleInput& input = source.input;
  if (e.task == Task::LanguageModel || is_text_classification(e)) {
    source.tokenizer = load_tokenizer(run.tokenizer_file());
    source.vocabulary = source.tokenizer->vocab_size();
    input.kind = "text";
    input.shape = {e.data.context_length};
    if (is_text_classification(e)) source.class_names = report.value("class_names", std::vector<std::string>{});
    source.outputs =
        e.task == Task::LanguageModel ? source.vocabulary : static_cast<std::int64_t>(source.class_names.size());
    if (source.outputs < 1) throw DataError(run.report_file().string() + ": has no class_names; the bundle needs them");
    return source;
  }
  // The test split tells the input's shape and the classes, as the run saw them.
  const ClassificationData data = load_classification_data(e, SplitsToLoad::TestOnly);
  input.shape = data.input_shape;
  input.kind = data.input_shape.size() == 3 ? "image" : "table";
  input.keep_aspect = e.data.resize == "pad";
  // An image folder's pictures are decoded at data.image_size before the centre crop; a prediction does the same.
  if (input.kind == "image" && e.data.source == DataSource::ImageFolder && !e.data.center_crop.empty())
    input.decoded_size = e.data.image_size;
  input.normalize_mean = data.normalize_mean;
  input.normalize_std = data.normalize_std;
  input.category_sizes = data.category_sizes;
  source.class_names =
      report.contains("class_names") ? report["class_names"].get<std::vector<std::string>>() : data.class_names;
  source.outputs = e.task == Task::Regression ? 1 : static_cast<std::int64_t>(source.class_names.size());
  source.check_inputs = data.test.inputs.slice(0, 0, std::min<std::int64_t>(64, data.test.size()));
  if (input.kind == "table") input.table = fit_table_encoding(e);
  return source;
}

// The ONNX graph, checked against the model on real inputs (a graph that does
// not match fails the export before any file exists).
OnnxExport export_bundle_onnx(const Experiment& e, const BundleSource& source, torch::nn::Sequential& model) {
#if CRADLE_WITH_OPENCV
  const bool tokens = e.task == Task::LanguageModel;
  if (source.input.kind == "text" && !tokens)
    throw ConfigError("ONNX export of text classifiers is not built yet (their padding masks); export without --onnx");
  const auto inputs = tokens ? language_model_check_inputs(e, source.tokenizer, model)
                             : std::vector<torch::Tensor>{source.check_inputs};
  return export_checked_onnx(model, source.input.shape, e.name, tokens, inputs);
#else
  throw ConfigError("ONNX export needs a build with OpenCV and libonnx");
#endif
}

// bundle.json: what the bundle holds and how it was made.
Json bundle_manifest(const RunFolder& run, const Experiment& e, const Json& report, const BundleSource& source,
                     const std::optional<OnnxExport>& onnx) {
  Json manifest = Json::object();
  manifest["format"] = "cradle-bundle";
  manifest["format_version"] = 1;
  manifest["created_at"] = utc_timestamp();
  manifest["cradle_version"] = CRADLE_VERSION;
  manifest["libtorch_version"] = TORCH_VERSION;
  manifest["source_run"] = fs::absolute(run.root).lexically_normal().string();
  manifest["experiment"] = e.name;
  manifest["task"] = to_string(e.task);
  manifest["stage"] = to_string(e.stage);
  manifest["model"] = Json{{"type", e.model.type},
                           {"parameters", report.contains("model") ? report["model"].value("parameters", 0) : 0}};
  manifest["input"] = input_to_json(source.input);
  manifest["outputs"] = source.outputs;
  if (!source.class_names.empty()) manifest["class_names"] = source.class_names;
  if (report.contains("target")) manifest["target"] = report["target"];  // regression: the standardisation to undo
  manifest["files"] = Json{{"weights", "model/model.pt"},
                           {"safetensors", "model/model.safetensors"},
                           {"experiment", "experiment.json"},
                           {"card", "MODEL_CARD.md"}};
  if (source.tokenizer) manifest["files"]["tokenizer"] = "model/tokenizer.json";
  if (onnx) {
    manifest["files"]["onnx"] = "model/model.onnx";
    Json checks = Json::array();
    for (const auto& check : onnx->checks)
      checks.push_back({{"runtime", check.runtime},
                        {"samples", check.samples},
                        {"max_abs_difference", check.max_abs_difference},
                        {"tolerance", check.tolerance}});
    manifest["onnx"] = Json{{"opset", onnx->graph.opset},
                            {"nodes", onnx->graph.nodes},
                            {"signature", onnx->graph.signature},
                            {"checker", "passed"},
                            {"runtime_checks", checks}};
  }
  if (!report.empty()) manifest["files"]["report"] = "report.json";
  if (report.contains("metrics") && report["metrics"].contains("test"))
    manifest["test_metrics"] = report["metrics"]["test"];
  return manifest;
}

// The model's files in the new bundle folder: its weights (as saved and as
// safetensors), the tokenizer's files, the ONNX graph, the experiment and report.
void write_bundle_model(const RunFolder& run, const RunFolder& bundle, const Experiment& e, const Json& report,
                        torch::nn::Sequential& model, const std::optional<OnnxExport>& onnx) {
  fs::remove(bundle.checkpoint_dir());  // a bundle holds the final weights only
  fs::create_directories(bundle.model_file().parent_path());
  fs::copy_file(run.model_file(), bundle.model_file());
  for (const auto& entry : fs::directory_iterator(run.model_file().parent_path()))  // the tokenizer and its files
    if (entry.is_regular_file() && entry.path().extension() != ".pt")
      fs::copy_file(entry.path(), bundle.model_file().parent_path() / entry.path().filename());
  NamedTensors tensors;
  for (const auto& p : model->named_parameters()) tensors.emplace_back(p.key(), p.value());
  for (const auto& b : model->named_buffers()) tensors.emplace_back(b.key(), b.value());
  write_safetensors(
      bundle.model_file().parent_path() / "model.safetensors", tensors,
      {{"format", "pt"}, {"producer", "cradle " CRADLE_VERSION}, {"experiment", e.name}, {"model", e.model.type}});
  if (onnx) write_text_atomically(bundle.model_file().parent_path() / "model.onnx", onnx->graph.bytes);
  if (!e.model.is_pretrained()) {
    write_text_atomically(bundle.experiment_file(), read_file(run.experiment_file()));
  } else {
    // The source folder's description travels inside; the experiment names it relative to itself.
    const fs::path source = e.resolve(e.model.folder), architecture = bundle.root / kBundleArchitecture;
    fs::create_directories(architecture);
    for (const char* name : {"config.json", "generation_config.json"})
      if (fs::is_regular_file(source / name)) fs::copy_file(source / name, architecture / name);
    Json experiment = parse_json_text(read_file(run.experiment_file()), run.experiment_file().string());
    experiment["model"]["folder"] = kBundleArchitecture;
    write_text_atomically(bundle.experiment_file(), experiment.dump(2) + "\n");
  }
  if (!report.empty()) write_text_atomically(bundle.report_file(), report.dump(2) + "\n");
}

// A packed bundle (NAME.cradle): the folder written beside it, zipped, and removed.
Json export_packed_bundle(const fs::path& run_dir, const fs::path& out_file, bool onnx) {
  if (fs::exists(out_file)) throw IoError(out_file.string() + ": exists; choose another name so it is kept");
  const fs::path folder = out_file.parent_path() / ("." + out_file.filename().string() + ".folder");
  std::error_code ignored;
  fs::remove_all(folder, ignored);
  try {
    Json manifest = export_bundle(run_dir, folder, onnx);
    pack_bundle(folder, out_file);
    fs::remove_all(folder, ignored);
    return manifest;
  } catch (...) {
    fs::remove_all(folder, ignored);
    throw;
  }
}

}  // namespace

Json export_bundle(const fs::path& run_dir, const fs::path& out_dir, bool onnx) {
  if (out_dir.extension() == ".cradle") return export_packed_bundle(run_dir, out_dir, onnx);
  const RunFolder run = open_run_folder(run_dir);
  const Experiment e = load_experiment(run.experiment_file());
  if (is_reward_modelling(e))
    throw ConfigError(run_dir.string() +
                      ": a reward model scores replies for PPO; it has nothing to predict on its own");
  if (!fs::exists(run.model_file()))
    throw IoError(run.model_file().string() + ": no such file; export takes a finished run");
  const Json report = fs::exists(run.report_file()) ? Json::parse(read_file(run.report_file())) : Json::object();
  check_run_folder_is_free(out_dir);

  const BundleSource source = read_bundle_source(run, e, report);
  auto model = build_bundle_model(e, source.input, source.outputs, source.vocabulary);
  load_weights_file(run.model_file(), *model);  // proves the weights fit before anything is written
  model->eval();
  std::optional<OnnxExport> onnx_export;  // first: a graph that fails leaves no file behind
  if (onnx) onnx_export = export_bundle_onnx(e, source, model);

  const RunFolder bundle = create_run_folder(out_dir);
  try {
    write_bundle_model(run, bundle, e, report, model, onnx_export);
    const Json manifest = bundle_manifest(run, e, report, source, onnx_export);
    write_text_atomically(out_dir / "MODEL_CARD.md", model_card_markdown(e, report, manifest));
    write_text_atomically(out_dir / "bundle.json", manifest.dump(2) + "\n");  // last: it marks a complete bundle
    return manifest;
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(out_dir, ignored);  // no half-written bundle
    throw;
  }
}

ModelBundle open_bundle(const fs::path& path) {
  ModelBundle b;
  fs::path dir = path;
  if (fs::is_regular_file(path)) {  // a .cradle file: unpacked for as long as the bundle is open
    std::string pattern = (fs::temp_directory_path() / "cradle-bundle-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw IoError(fs::temp_directory_path().string() + ": cannot make a folder to unpack " + path.string());
    b.unpacked = std::shared_ptr<const fs::path>(new fs::path(pattern), [](const fs::path* folder) {
      std::error_code ignored;
      fs::remove_all(*folder, ignored);
      delete folder;
    });
    unpack_bundle(path, *b.unpacked);
    dir = *b.unpacked;
  }
  b.dir = dir;
  const fs::path file = dir / "bundle.json";
  if (!fs::exists(file))
    throw IoError(dir.string() +
                  ": no bundle.json; not a Cradle model bundle (make one with cradle-cli export RUN --out DIR)");
  b.manifest = parse_json_text(read_file(file), file.string());
  if (!b.manifest.is_object() || b.manifest.value("format", "") != "cradle-bundle")
    throw DataError(file.string() + ": \"format\" is not \"cradle-bundle\"");
  if (b.manifest.value("format_version", 0) != 1)
    throw DataError(
        file.string() + ": format_version " +
        (b.manifest.contains("format_version") ? b.manifest["format_version"].dump() : std::string("(missing)")) +
        " is not one this Cradle reads (1)");
  if (!b.manifest.contains("input") || !b.manifest["input"].is_object())
    throw DataError(file.string() + ": field \"input\" is missing");
  b.input = input_from_json(b.manifest["input"], file);
  b.outputs = field<std::int64_t>(b.manifest, file, "outputs");
  if (b.outputs < 1) throw DataError(file.string() + ": outputs must be at least 1");
  if (b.manifest.contains("class_names"))
    b.class_names = field<std::vector<std::string>>(b.manifest, file, "class_names");
  const RunFolder folder{dir};
  b.experiment = with_absolute_paths(load_experiment(folder.experiment_file()));  // model/architecture where it is
  std::int64_t vocabulary = 0;
  if (b.input.kind == "text") {
    b.tokenizer = load_tokenizer(folder.tokenizer_file());
    vocabulary = b.tokenizer->vocab_size();
  }
  if (is_text_classification(b.experiment) && static_cast<std::int64_t>(b.class_names.size()) != b.outputs)
    throw DataError(file.string() + ": class_names lists " + std::to_string(b.class_names.size()) +
                    " classes, outputs is " + std::to_string(b.outputs));
  b.model = build_bundle_model(b.experiment, b.input, b.outputs, vocabulary);
  load_weights_file(folder.model_file(), *b.model);
  b.model->eval();
  b.chat = b.experiment.task == Task::LanguageModel && is_chat_policy(b.experiment);
  return b;
}

}  // namespace cradle
