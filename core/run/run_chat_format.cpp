#include "core/run/run_chat_format.h"

#include "core/common/error.h"
#include "core/hub/hub_chat_format.h"
#include "core/hub/hub_end_tokens.h"
#include "core/text/chat_template.h"

namespace cradle {

std::shared_ptr<const ChatFormat> run_chat_format(const ModelSpec& model, std::shared_ptr<const Tokenizer> tokenizer) {
  if (!model.is_pretrained()) return cradle_chat_format(std::move(tokenizer));
  auto hub_tokenizer = std::dynamic_pointer_cast<const HubTokenizer>(tokenizer);
  if (!hub_tokenizer)
    throw ConfigError("model.folder: " + model.folder + " is tuned with its own tokenizer, got a " + tokenizer->type() +
                      " tokenizer");
  const std::filesystem::path folder = model.folder;
  auto end_ids = hub_end_of_text_ids(folder, load_hub_config(folder), *hub_tokenizer);
  return hub_chat_format(std::move(hub_tokenizer), std::move(end_ids));
}

}  // namespace cradle
