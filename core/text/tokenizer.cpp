#include "core/text/tokenizer.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/hub/hub_tokenizer.h"
#include "core/text/char_tokenizer.h"
#include "core/text/sentencepiece_tokenizer.h"

namespace cradle {

std::unique_ptr<Tokenizer> train_tokenizer(const TokenizerSpec& spec, const std::vector<std::string>& texts) {
  if (spec.type == "char") return std::make_unique<CharTokenizer>(CharTokenizer::train(spec, texts));
  return SentencePieceTokenizer::train(spec, texts);
}

std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& file) {
  const std::string where = file.string();
  nlohmann::ordered_json document;
  try {
    document = nlohmann::ordered_json::parse(read_file(file));
  } catch (const nlohmann::ordered_json::exception& error) {
    throw DataError(where + ": not a tokenizer file: " + error.what());
  }
  const std::string type = document.is_object() && document.contains("type") && document["type"].is_string()
                               ? document["type"].get<std::string>()
                               : "";
  // A Hugging Face tokenizer.json (a run tuned from a model folder keeps its model's), its config beside it.
  if (type.empty() && document.is_object() && document.contains("model") && document["model"].is_object()) {
    const auto config = file.parent_path() / "tokenizer_config.json";
    return HubTokenizer::parse(read_file(file), std::filesystem::exists(config) ? read_file(config) : std::string(),
                               file.parent_path().string());
  }
  if (type == "char") return std::make_unique<CharTokenizer>(CharTokenizer::from_json(document, where));
  if (type == "bpe" || type == "unigram") {
    if (!document.contains("model_file") || !document["model_file"].is_string())
      throw DataError(where + ": \"model_file\" must name the sentencepiece model beside it");
    const auto model_file = file.parent_path() / document["model_file"].get<std::string>();
    return SentencePieceTokenizer::load(type, read_file(model_file), model_file.string());
  }
  throw DataError(where + ": unknown tokenizer type \"" + type +
                  "\" (this Cradle reads \"char\", \"bpe\", \"unigram\" and Hugging Face's tokenizer.json)");
}

}  // namespace cradle
