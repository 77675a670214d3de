#include "core/export/bundle_prediction.h"

#include <torch/torch.h>

#include <functional>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/csv_table.h"
#include "core/data/table_encoding.h"
#include "core/data/text_classification_data.h"
#include "core/run/run_text_generator.h"
#include "core/text/text_pipeline.h"
#if CRADLE_WITH_OPENCV
#include "core/data/image_decoding.h"
#endif

namespace cradle {
namespace fs = std::filesystem;
namespace {

// Softmax over the model's outputs for a batch; the top k per row.
void fill_scores(ModelBundle& bundle, const torch::Tensor& inputs, std::vector<BundlePrediction*>& rows,
                 std::int64_t top_k) {
  torch::NoGradGuard no_grad;
  const auto outputs = bundle.model->forward(inputs).to(torch::kFloat32);
  if (bundle.experiment.task == Task::Regression) {
    // Targets were standardised with the training split's mean and deviation (report.json's "target").
    const Json target = bundle.manifest.value("target", Json::object());
    const double mean = target.value("train_mean", 0.0), deviation = target.value("train_std", 1.0);
    for (std::size_t i = 0; i < rows.size(); ++i)
      rows[i]->value = outputs.reshape({-1})[static_cast<std::int64_t>(i)].item<double>() * deviation + mean;
    return;
  }
  const auto probabilities = torch::softmax(outputs, 1);
  const auto k = std::min<std::int64_t>(top_k, probabilities.size(1));
  const auto [values, indices] = probabilities.topk(k, 1);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::int64_t j = 0; j < k; ++j) {
      const auto index = indices[static_cast<std::int64_t>(i)][j].item<std::int64_t>();
      const std::string label = index < static_cast<std::int64_t>(bundle.class_names.size())
                                    ? bundle.class_names[static_cast<std::size_t>(index)]
                                    : std::to_string(index);
      rows[i]->top.push_back({label, values[static_cast<std::int64_t>(i)][j].item<double>()});
    }
}

}  // namespace

std::vector<BundlePrediction> predict_image_bytes(ModelBundle& bundle, const std::vector<EncodedImage>& encoded,
                                                  std::int64_t top_k) {
  if (bundle.input.kind != "image")
    throw ConfigError(bundle.dir.string() + ": this bundle reads " + bundle.input.kind + " inputs, not images");
#if CRADLE_WITH_OPENCV
  const auto& shape = bundle.input.shape;
  const auto& decoded =
      bundle.input.decoded_size.empty() ? std::vector<std::int64_t>{shape[1], shape[2]} : bundle.input.decoded_size;
  const ImageDecoding how{decoded[0], decoded[1], shape[0], bundle.input.keep_aspect};
  const std::int64_t top = (decoded[0] - shape[1]) / 2, left = (decoded[1] - shape[2]) / 2;
  std::vector<BundlePrediction> predictions(encoded.size());
  std::vector<torch::Tensor> images;
  std::vector<BundlePrediction*> rows;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    predictions[i].input = encoded[i].name;
    const auto pixels = decode_image_bytes(encoded[i].bytes, how);
    if (!pixels.defined()) {
      predictions[i].error = encoded[i].name + ": not a readable image (PNG, JPEG or BMP)";
      continue;
    }
    images.push_back(pixels.slice(1, top, top + shape[1]).slice(2, left, left + shape[2]));  // the centre, as trained
    rows.push_back(&predictions[i]);
  }
  if (!images.empty()) {
    const auto view = std::vector<std::int64_t>{1, shape[0], 1, 1};
    const auto mean = torch::tensor(bundle.input.normalize_mean, torch::kFloat32).view(view);
    const auto deviation = torch::tensor(bundle.input.normalize_std, torch::kFloat32).view(view);
    const auto inputs = torch::stack(images).to(torch::kFloat32).div_(255.0).sub_(mean).div_(deviation);
    fill_scores(bundle, inputs, rows, top_k);
  }
  return predictions;
#else
  (void)encoded;
  (void)top_k;
  throw ConfigError("this build of Cradle has no OpenCV: it cannot decode images");
#endif
}

std::vector<BundlePrediction> predict_images(ModelBundle& bundle, const std::vector<fs::path>& files,
                                             std::int64_t top_k) {
  std::vector<EncodedImage> encoded;
  std::vector<std::size_t> readable;  // where each read file's answer goes
  std::vector<BundlePrediction> predictions(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    predictions[i].input = files[i].string();
    if (!fs::is_regular_file(files[i])) {
      predictions[i].error = files[i].string() + ": no such file";
      continue;
    }
    encoded.push_back({files[i].string(), read_file(files[i])});
    readable.push_back(i);
  }
  const auto answers = predict_image_bytes(bundle, encoded, top_k);
  for (std::size_t k = 0; k < answers.size(); ++k) predictions[readable[k]] = answers[k];
  return predictions;
}

namespace {

const TableEncoding& table_encoding_of(const ModelBundle& bundle) {
  if (bundle.input.kind != "table")
    throw ConfigError(bundle.dir.string() + ": this bundle reads " + bundle.input.kind + " inputs, not table rows");
  if (!bundle.input.table)
    throw ConfigError(bundle.dir.string() +
                      ": bundle.json has no input.table (exported by an older Cradle); export the run again");
  return *bundle.input.table;
}

// One table's rows predicted (appended to `predictions`), or one error entry named `name`.
void predict_table(ModelBundle& bundle, const std::string& name, const std::function<CsvTable()>& read,
                   std::vector<BundlePrediction>& predictions, std::int64_t top_k) {
  const TableEncoding& encoding = table_encoding_of(bundle);
  EncodedTableRows rows;
  try {
    rows = encode_table_rows(encoding, read(), name);
  } catch (const Error& error) {
    predictions.push_back({name, error.what(), {}, {}, {}});
    return;
  }
  const auto first = predictions.size();
  for (const auto& origin : rows.origins) predictions.push_back({origin, {}, {}, {}, {}});
  std::vector<BundlePrediction*> targets;
  for (auto i = first; i < predictions.size(); ++i) targets.push_back(&predictions[i]);
  if (targets.empty()) return;
  const auto inputs = torch::from_blob(rows.values.data(),
                                       {static_cast<std::int64_t>(targets.size()), encoding.width()}, torch::kFloat32);
  fill_scores(bundle, inputs, targets, top_k);
}

}  // namespace

std::vector<BundlePrediction> predict_table_rows(ModelBundle& bundle, const std::vector<fs::path>& files,
                                                 std::int64_t top_k) {
  table_encoding_of(bundle);
  std::vector<BundlePrediction> predictions;
  for (const auto& file : files)
    predict_table(
        bundle, file.string(),
        [&] {
          if (!fs::is_regular_file(file)) throw IoError(file.string() + ": no such file");
          return parse_csv(read_file(file), file.string());
        },
        predictions, top_k);
  return predictions;
}

std::vector<BundlePrediction> predict_table_records(ModelBundle& bundle, const std::vector<CsvTable>& rows,
                                                    const std::vector<std::string>& names, std::int64_t top_k) {
  table_encoding_of(bundle);
  std::vector<BundlePrediction> predictions;
  for (std::size_t i = 0; i < rows.size(); ++i)
    predict_table(
        bundle, names.at(i), [&] { return rows[i]; }, predictions, top_k);
  return predictions;
}

std::vector<BundlePrediction> classify_texts(ModelBundle& bundle, const std::vector<std::string>& texts,
                                             std::int64_t top_k) {
  if (!is_text_classification(bundle.experiment))
    throw ConfigError(bundle.dir.string() + ": this bundle is not a text classifier (its task is " +
                      to_string(bundle.experiment.task) + ")");
  std::vector<BundlePrediction> predictions(texts.size());
  std::vector<TextRecord> records;
  std::vector<BundlePrediction*> rows;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    predictions[i].input = texts[i];
    // The training texts went through the experiment's steps; a step that would drop this one (a filter) leaves it as it is.
    std::vector<TextRecord> one = {{texts[i], "input " + std::to_string(i + 1), bundle.class_names.front()}};
    apply_text_steps(one, bundle.experiment.data.steps, 0);
    records.push_back(one.empty() ? TextRecord{texts[i], "input " + std::to_string(i + 1), bundle.class_names.front()}
                                  : one.front());
    rows.push_back(&predictions[i]);
  }
  if (!records.empty()) {
    const auto encoded = encode_labelled_texts(*bundle.tokenizer, records, bundle.class_names, bundle.input.shape[0]);
    fill_scores(bundle, encoded.inputs, rows, top_k);
  }
  return predictions;
}

BundlePrediction generate_text(ModelBundle& bundle, const std::string& prompt, const SamplingOptions& options,
                               const TextGenerator::TextSink& sink) {
  if (bundle.experiment.task != Task::LanguageModel)
    throw ConfigError(bundle.dir.string() + ": this bundle is not a language model (its task is " +
                      to_string(bundle.experiment.task) + ")");
  // A model tuned from (or being) a Hugging Face folder writes in its own tokenizer's and template's terms.
  TextGenerator generator =
      model_text_generator(bundle.model, bundle.tokenizer, bundle.input.shape[0], bundle.experiment.model);
  BundlePrediction p;
  p.input = prompt;
  if (bundle.chat)
    p.generation =
        generator.generate_from(user_turn_prompt(bundle.experiment.model, bundle.tokenizer, prompt), options, sink);
  else
    p.generation = generator.generate(prompt, options, sink);
  return p;
}

Json prediction_to_json(const BundlePrediction& p) {
  Json j = {{"input", p.input}};
  if (!p.error.empty()) {
    j["error"] = p.error;
    return j;
  }
  if (p.value) j["value"] = *p.value;
  if (!p.top.empty()) {
    j["label"] = p.top.front().label;
    j["probability"] = p.top.front().probability;
    Json top = Json::array();
    for (const auto& s : p.top) top.push_back({{"label", s.label}, {"probability", s.probability}});
    j["top"] = top;
  }
  if (p.generation) {
    j["text"] = p.generation->text;
    j["tokens"] = p.generation->tokens.size();
    j["finish_reason"] = p.generation->finish_reason;
    j["tokens_per_second"] = p.generation->tokens_per_second;
  }
  return j;
}

}  // namespace cradle
