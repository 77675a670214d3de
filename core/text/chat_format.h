#pragma once
// How a conversation becomes token ids for the model that holds it, and back:
// fine-tuning trains the ids render() marks as the assistant's, generation
// continues prompt() and stops at one of end_ids(). Two variants, each in its
// own file: Cradle's markers for models trained from scratch
// (core/text/chat_template.h) and a Hugging Face model's own chat_template
// (core/hub/hub_chat_format.h). Adding a variant touches its file only.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/text/conversation_records.h"

namespace cradle {

struct RenderedChat {
  std::vector<std::int64_t> ids;
  std::vector<bool> trained;  // per id: the assistant wrote it (content and end of turn)
};

class ChatFormat {
 public:
  virtual ~ChatFormat() = default;
  // The whole conversation, the assistant's turns marked for training.
  virtual RenderedChat render(const std::vector<ChatMessage>& messages) const = 0;
  // The conversation so far and the start of the assistant's turn: what the model continues to answer.
  virtual std::vector<std::int64_t> prompt(const std::vector<ChatMessage>& messages) const = 0;
  // The ids that end the assistant's turn.
  virtual std::vector<std::int64_t> end_ids() const = 0;
  // For train.log: "Cradle's markers", "the model's chat_template".
  virtual std::string name() const = 0;
};

}  // namespace cradle
