#pragma once
// A Hugging Face model's own chat template as a ChatFormat
// (core/text/chat_format.h), so fine-tuning and generation speak the format
// the model was tuned with. Which tokens the assistant wrote is found as
// transformers' assistant masks find them, without needing the template to
// mark them: the conversation up to each assistant turn is rendered with
// add_generation_prompt, then with that turn, and the text between the two is
// the turn (its content and whatever ends it, <|im_end|> or <|eot_id|>). The
// text is encoded piece by piece at those boundaries.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/hub/hub_tokenizer.h"
#include "core/text/chat_format.h"

namespace cradle {

// ConfigError when the tokenizer has no chat_template. Rendering throws
// ConfigError naming the template's line when it fails, and when an earlier
// part of a conversation renders differently once later turns follow (a
// template that rewrites history cannot mark the assistant's turns).
std::shared_ptr<const ChatFormat> hub_chat_format(std::shared_ptr<const HubTokenizer> tokenizer,
                                                  std::vector<std::int64_t> end_ids);

}  // namespace cradle
