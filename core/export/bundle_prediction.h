#pragma once
// Predicting with a model bundle (cradle-cli predict): image files through the
// bundle's decoding and normalisation, CSV rows through its fitted column
// encoding, texts through its tokenizer (and the
// experiment's text steps) to a classifier, prompts to a language model.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data/csv_table.h"
#include "core/eval/text_generation.h"
#include "core/export/model_bundle.h"

namespace cradle {

struct ClassScore {
  std::string label;
  double probability = 0;
};

struct BundlePrediction {
  std::string input;                     // the file or text as given
  std::string error;                     // this input could not be read; the others still were
  std::vector<ClassScore> top;           // classifiers: the likeliest classes, best first
  std::optional<double> value;           // regression
  std::optional<Generation> generation;  // language models
};

// Classifiers and regressors on image files; one bad file is an error entry.
std::vector<BundlePrediction> predict_images(ModelBundle& bundle, const std::vector<std::filesystem::path>& files,
                                             std::int64_t top_k);

struct EncodedImage {
  std::string name;   // how errors and results name it
  std::string bytes;  // PNG, JPEG or BMP
};
// The same for images already in memory (the HTTP service).
std::vector<BundlePrediction> predict_image_bytes(ModelBundle& bundle, const std::vector<EncodedImage>& images,
                                                  std::int64_t top_k);
// Table models on the rows of CSV files (a header naming the feature columns;
// other columns are ignored): one prediction per row, named "file:line". A
// file that cannot be read or encoded is one error entry.
std::vector<BundlePrediction> predict_table_rows(ModelBundle& bundle, const std::vector<std::filesystem::path>& files,
                                                 std::int64_t top_k);
// The same for rows already in memory (the HTTP service): each a list of
// column and cell text, named `names[i]` in results and errors.
std::vector<BundlePrediction> predict_table_records(ModelBundle& bundle, const std::vector<CsvTable>& rows,
                                                    const std::vector<std::string>& names, std::int64_t top_k);
// Text classifiers.
std::vector<BundlePrediction> classify_texts(ModelBundle& bundle, const std::vector<std::string>& texts,
                                             std::int64_t top_k);
// Language models: the continuation of `prompt` (a chat model's reply to it), streamed to `sink`.
BundlePrediction generate_text(ModelBundle& bundle, const std::string& prompt, const SamplingOptions& options,
                               const TextGenerator::TextSink& sink = {});

Json prediction_to_json(const BundlePrediction& prediction);

}  // namespace cradle
