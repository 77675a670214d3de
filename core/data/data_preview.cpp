#include "core/data/data_preview.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/classification_data.h"
#include "core/data/image_augmentation.h"
#include "core/data/language_model_data.h"
#include "core/data/seeded_order.h"
#include "core/data/tabular_data.h"
#include "core/data/token_corpus.h"
#include "core/text/text_preparation.h"

#ifdef CRADLE_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace cradle {
namespace fs = std::filesystem;
namespace {

std::string numbered(std::size_t n, const std::string& name) {
  char prefix[24];
  std::snprintf(prefix, sizeof prefix, "%02zu-", n);
  return prefix + name;
}

std::vector<fs::path> preview_text(const Experiment& e, const PreviewRequest& request) {
  const auto n = static_cast<std::size_t>(request.samples);
  LanguageModelData data;
  data.text = prepare_text(e, n);
  std::vector<std::string> texts;
  for (const auto& record : data.text.train) texts.push_back(record.text);
  const auto tokenizer = train_tokenizer(e.data.tokenizer, texts);

  std::vector<fs::path> written;
  Json document = {{"kind", "text"}, {"steps", Json::array()}};
  for (std::size_t s = 0; s < data.text.steps.size(); ++s) {
    const auto& report = data.text.steps[s];
    std::string body = "# step " + std::to_string(s + 1) + ": " + describe_text_step(e.data.steps[s]) + "\n# " +
                       std::to_string(report.records_in) + " records in, " + std::to_string(report.records_out) +
                       " out, " + std::to_string(report.records_changed) + " changed\n";
    if (report.examples.empty()) body += "\n(no record was changed or removed)\n";
    for (const auto& example : report.examples) {
      body += "\n== " + example.origin + "\n-- before\n" + example.before + "\n";
      body += example.reason.empty() ? "-- after\n" + example.after + "\n" : "-- removed: " + example.reason + "\n";
    }
    const fs::path file = request.out_dir / (numbered(s + 1, report.op) + ".txt");
    write_text_atomically(file, body);
    written.push_back(file);
    document["steps"].push_back(text_step_report_to_json(report));
  }
  std::string tokens_text = "# tokenizer " + tokenizer->type() + ", " + std::to_string(tokenizer->vocab_size()) +
                            " tokens, trained on the training split; tokens separated by |\n";
  Json token_examples = Json::array();
  for (std::size_t i = 0; i < std::min(n, data.text.train.size()); ++i) {
    const auto& record = data.text.train[i];
    const auto ids = tokenizer->encode(record.text);
    std::string pieces, numbers;
    Json piece_list = Json::array();
    for (const auto id : ids) {
      piece_list.push_back(tokenizer->token_text(id));
      pieces += tokenizer->token_text(id) + "|";
      numbers += (numbers.empty() ? "" : " ") + std::to_string(id);
    }
    const std::string label = record.label.empty() ? std::string() : ", class \"" + record.label + "\"";
    tokens_text += "\n== " + record.origin + " (" + std::to_string(ids.size()) + " tokens" + label + ")\n" + pieces +
                   "\n" + numbers + "\n";
    Json example = {{"origin", record.origin}, {"text", record.text}, {"ids", ids}, {"pieces", piece_list}};
    if (!record.label.empty()) example["label"] = record.label;
    token_examples.push_back(std::move(example));
  }
  const fs::path tokens_file = request.out_dir / (numbered(data.text.steps.size() + 1, "tokenizer") + ".txt");
  write_text_atomically(tokens_file, tokens_text);
  written.push_back(tokens_file);
  document["tokenizer"] = {
      {"type", tokenizer->type()}, {"vocab_size", tokenizer->vocab_size()}, {"examples", token_examples}};
  const fs::path json_file = request.out_dir / "preview.json";
  write_text_atomically(json_file, document.dump(2) + "\n");
  written.push_back(json_file);
  return written;
}

// A token corpus is text already cleaned and tokenised: its first training
// documents as their tokens (at most 64 each), read from the mapping.
std::vector<fs::path> preview_token_corpus(const Experiment& e, const PreviewRequest& request) {
  const TokenCorpus corpus = open_token_corpus(e.resolve(e.data.folder));
  const auto& file = *corpus.train;
  const Tokenizer& tokenizer = *corpus.tokenizer;
  std::string tokens_text = "# token corpus " + corpus.folder.string() + ": tokenizer " + tokenizer.type() + ", " +
                            std::to_string(tokenizer.vocab_size()) +
                            " tokens; the first training documents, tokens separated by |\n";
  Json examples = Json::array();
  const auto documents = std::min<std::uint64_t>(static_cast<std::uint64_t>(request.samples), file.layout().documents);
  for (std::uint64_t d = 0; d < documents; ++d) {
    const auto begin = file.document_start(d);
    auto ids = file.tokens(begin, std::min(begin + 64, file.document_start(d + 1)));
    if (!ids.empty() && ids.back() == kEosId) ids.pop_back();
    Json pieces = Json::array();
    std::string line;
    for (const auto id : ids) {
      pieces.push_back(tokenizer.token_text(id));
      line += tokenizer.token_text(id) + "|";
    }
    const std::string origin = "train.tokens, document " + std::to_string(d + 1);
    tokens_text += "\n== " + origin + " (" + std::to_string(ids.size()) + " tokens shown)\n" + line + "\n";
    examples.push_back({{"origin", origin}, {"text", tokenizer.decode(ids)}, {"ids", ids}, {"pieces", pieces}});
  }
  std::vector<fs::path> written = {request.out_dir / "01-tokens.txt", request.out_dir / "preview.json"};
  write_text_atomically(written[0], tokens_text);
  const Json document = {
      {"kind", "text"},
      {"steps", Json::array()},
      {"tokenizer", {{"type", tokenizer.type()}, {"vocab_size", tokenizer.vocab_size()}, {"examples", examples}}}};
  write_text_atomically(written[1], document.dump(2) + "\n");
  return written;
}

std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", std::abs(value) < 1e-9 ? 0.0 : value);  // rounding noise reads as 0
  return text;
}

// Each training row as read and as the model receives it, with the fitted encoding.
std::vector<fs::path> preview_csv(const Experiment& e, const PreviewRequest& request) {
  const TablePreview p = preview_table(e, request.samples);
  std::string body = "# " + e.data.file + ": " + std::to_string(p.split_sizes[0]) + " training, " +
                     std::to_string(p.split_sizes[1]) + " validation, " + std::to_string(p.split_sizes[2]) +
                     " test rows; " + std::to_string(p.dropped_rows) + " dropped for missing values\n";
  body += "# encoding fitted on the training rows; " + std::to_string(p.encoded_columns.size()) + " model inputs\n";
  std::size_t name_width = 8;
  for (const auto& c : p.column_encodings) name_width = std::max(name_width, c.column.size() + 2);
  for (const auto& name : p.encoded_columns) name_width = std::max(name_width, name.size() + 2);
  for (const auto& c : p.column_encodings) body += padded(c.column, name_width) + padded(c.kind, 13) + c.how + "\n";
  body += padded("target", name_width) + padded("", 13) + p.target + "\n";
  Json rows = Json::array();
  for (const auto& row : p.rows) {
    body += "\n== " + row.origin + "\n-- as read\n";
    Json raw = Json::object();
    for (const auto& [column, cell] : row.raw) {
      body += padded(column, name_width) + cell + "\n";
      raw[column] = cell;
    }
    body += padded(e.data.target, name_width) + row.target_raw + "\n-- model input\n";
    for (std::size_t c = 0; c < row.encoded.size(); ++c)
      body += padded(p.encoded_columns[c], name_width) + number_text(row.encoded[c]) + "\n";
    body += padded("target", name_width) + number_text(row.target_encoded) + "\n";
    rows.push_back({{"origin", row.origin},
                    {"raw", raw},
                    {"target", row.target_raw},
                    {"input", row.encoded},
                    {"encoded_target", row.target_encoded}});
  }
  Json encodings = Json::array();
  for (const auto& c : p.column_encodings)
    encodings.push_back({{"column", c.column}, {"kind", c.kind}, {"how", c.how}});
  const Json document = {{"kind", "table"},    {"columns", p.encoded_columns}, {"encodings", encodings},
                         {"target", p.target}, {"split_sizes", p.split_sizes}, {"dropped_rows", p.dropped_rows},
                         {"rows", rows}};
  const fs::path text_file = request.out_dir / "table.txt", json_file = request.out_dir / "preview.json";
  write_text_atomically(text_file, body);
  write_text_atomically(json_file, document.dump(2) + "\n");
  return {text_file, json_file};
}

#ifdef CRADLE_WITH_OPENCV
// Normalised [C, H, W] back to an 8-bit image, scaled up so small images are visible.
cv::Mat to_image(const torch::Tensor& normalised, const std::vector<double>& mean, const std::vector<double>& std,
                 int scale) {
  const std::int64_t channels = normalised.size(0);
  auto pixels = normalised.clone();
  for (std::int64_t c = 0; c < channels; ++c)
    pixels[c].mul_(std[static_cast<std::size_t>(c)]).add_(mean[static_cast<std::size_t>(c)]);
  pixels = pixels.clamp(0, 1).mul(255).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
  cv::Mat image(static_cast<int>(pixels.size(0)), static_cast<int>(pixels.size(1)), channels == 1 ? CV_8UC1 : CV_8UC3,
                pixels.data_ptr<std::uint8_t>());
  cv::Mat out;
  cv::resize(image, out, cv::Size(), scale, scale, cv::INTER_NEAREST);
  if (channels == 3)
    cv::cvtColor(out, out, cv::COLOR_RGB2BGR);
  else
    cv::cvtColor(out, out, cv::COLOR_GRAY2BGR);
  return out;
}

std::vector<fs::path> preview_images(const Experiment& e, const PreviewRequest& request) {
  const auto data = load_classification_data(e);
  const std::int64_t count = std::min<std::int64_t>(request.samples, data.train.size());
  auto order = seeded_permutation(data.train.size(), e.seed ^ 0x9e11ull);
  order.resize(static_cast<std::size_t>(count));
  const auto index = torch::tensor(order, torch::kInt64);
  const auto batch = data.train.batch(index);
  const ImageAugmenter augmenter(e.data.augment, data.normalize_mean, data.normalize_std, e.seed);

  std::vector<std::string> columns = {"loaded"};
  std::vector<torch::Tensor> stages = {batch.inputs};
  for (std::size_t s = 0; s < e.data.augment.size(); ++s) {
    columns.push_back(e.data.augment[s].op);
    stages.push_back(augmenter.apply_step(s, batch.inputs, index, 1));
  }
  if (e.data.augment.size() > 1) {
    columns.push_back("all steps");
    stages.push_back(augmenter.apply(batch.inputs, index, 1));
  }
  const int height = static_cast<int>(batch.inputs.size(2)), width = static_cast<int>(batch.inputs.size(3));
  const int scale = std::max(1, 96 / std::max(height, width));
  const int gap = 4, cell_w = width * scale, cell_h = height * scale;
  cv::Mat grid(static_cast<int>(count) * (cell_h + gap) + gap, static_cast<int>(stages.size()) * (cell_w + gap) + gap,
               CV_8UC3, cv::Scalar(255, 255, 255));
  for (std::int64_t row = 0; row < count; ++row)
    for (std::size_t col = 0; col < stages.size(); ++col)
      to_image(stages[col][row], data.normalize_mean, data.normalize_std, scale)
          .copyTo(grid(cv::Rect(gap + static_cast<int>(col) * (cell_w + gap),
                                gap + static_cast<int>(row) * (cell_h + gap), cell_w, cell_h)));
  const fs::path png = request.out_dir / "augmentation.png";
  std::vector<uchar> encoded;
  if (!cv::imencode(".png", grid, encoded)) throw IoError(png.string() + ": could not encode the preview image");
  write_text_atomically(png, std::string(encoded.begin(), encoded.end()));

  Json samples = Json::array();
  for (std::int64_t row = 0; row < count; ++row) {
    const auto label = batch.targets[row].item<std::int64_t>();
    samples.push_back({{"index", order[static_cast<std::size_t>(row)]},
                       {"class", data.class_names.at(static_cast<std::size_t>(label))}});
  }
  const Json document = {{"kind", "images"},
                         {"image", "augmentation.png"},
                         {"columns", columns},
                         {"rows", samples},
                         {"input_shape", data.input_shape},
                         {"normalize", {{"mean", data.normalize_mean}, {"std", data.normalize_std}}}};
  const fs::path json_file = request.out_dir / "preview.json";
  write_text_atomically(json_file, document.dump(2) + "\n");
  return {png, json_file};
}
#endif

}  // namespace

std::vector<fs::path> write_data_preview(const Experiment& e, const PreviewRequest& request) {
  std::error_code ec;
  fs::create_directories(request.out_dir, ec);
  if (ec) throw IoError(request.out_dir.string() + ": cannot create the folder: " + ec.message());
  if (e.data.source == DataSource::Tokens) return preview_token_corpus(e, request);
  if (e.task == Task::LanguageModel || is_text_classification(e)) return preview_text(e, request);
  if (e.data.source == DataSource::Csv) return preview_csv(e, request);
#ifdef CRADLE_WITH_OPENCV
  return preview_images(e, request);
#else
  throw ConfigError("data preview: this build has no OpenCV (CRADLE_WITH_OPENCV=OFF) to write images");
#endif
}

}  // namespace cradle
