#include "core/run/run_text_generator.h"

#include "core/common/error.h"
#include "core/hub/hub_end_tokens.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/run_chat_format.h"

namespace cradle {

TextGenerator model_text_generator(torch::nn::Sequential model, std::shared_ptr<const Tokenizer> tokenizer,
                                   std::int64_t context_length, const ModelSpec& spec) {
  if (!spec.is_pretrained()) return TextGenerator(std::move(model), std::move(tokenizer), context_length);
  auto architecture = pretrained_language_model(model);
  auto hub_tokenizer = std::dynamic_pointer_cast<const HubTokenizer>(tokenizer);
  if (!architecture || !hub_tokenizer)
    throw ConfigError("model.folder: " + spec.folder + ": the run's model or tokenizer is not the folder's kind");
  const std::filesystem::path folder = spec.folder;
  auto end_ids = hub_end_of_text_ids(folder, load_hub_config(folder), *hub_tokenizer);
  return TextGenerator(
      std::move(architecture), hub_tokenizer,
      [hub_tokenizer](const std::string& text) { return hub_tokenizer->encode_with_special_tokens(text); },
      std::move(end_ids));
}

std::vector<std::int64_t> user_turn_prompt(const ModelSpec& spec, std::shared_ptr<const Tokenizer> tokenizer,
                                           const std::string& message) {
  return run_chat_format(spec, std::move(tokenizer))->prompt({{"user", message}});
}

}  // namespace cradle
