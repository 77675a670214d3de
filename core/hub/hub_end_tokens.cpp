#include "core/hub/hub_end_tokens.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace cradle {

std::vector<std::int64_t> hub_end_of_text_ids(const std::filesystem::path& folder, const HubModelConfig& config,
                                              const HubTokenizer& tokenizer) {
  std::vector<std::int64_t> ids = config.eos_token_ids;
  const auto generation_file = folder / "generation_config.json";
  if (std::filesystem::exists(generation_file)) {
    const std::string where = generation_file.string();
    Json generation;
    try {
      generation = Json::parse(read_file(generation_file));
    } catch (const Json::exception& error) {
      throw ConfigError(where + ": not valid JSON (" + error.what() + ")");
    }
    if (!generation.is_object()) throw ConfigError(where + ": expected a JSON object");
    if (generation.contains("eos_token_id")) {
      try {
        const auto listed = read_token_ids(generation["eos_token_id"], "eos_token_id");
        ids.insert(ids.end(), listed.begin(), listed.end());
      } catch (const ConfigError& error) {
        throw ConfigError(where + ": " + error.what());
      }
    }
  }
  if (tokenizer.special_tokens().eos) ids.push_back(*tokenizer.special_tokens().eos);
  std::vector<std::int64_t> unique;
  for (const auto id : ids)
    if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(id);
  return unique;
}

}  // namespace cradle
