#pragma once
// The chat template: how a conversation becomes token ids for fine-tuning and
// for generation. Every turn is its role marker, the content, and the
// end-of-turn token; a conversation starts after <eos>, as every record of the
// pretraining corpus does:
//   <eos> <|system|> ... <eos> <|user|> ... <eos> <|assistant|> ... <eos>
// The markers are special tokens of the pretrained tokenizer
// (data.tokenizer.special_tokens) and <eos> ends a turn, so the model learns
// to stop. Only the assistant's content and its end-of-turn are trained.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/text/chat_format.h"
#include "core/text/conversation_records.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct ChatMarkers {
  std::int64_t system = -1, user = -1, assistant = -1;
  std::int64_t end_of_turn = kEosId;
};

// The markers' ids in `tokenizer`; DataError naming the missing marker.
ChatMarkers chat_markers(const Tokenizer& tokenizer);

RenderedChat render_chat(const Tokenizer& tokenizer, const ChatMarkers& markers,
                         const std::vector<ChatMessage>& messages);

// `messages` (the conversation so far) followed by the assistant's marker:
// what the model continues to answer.
std::vector<std::int64_t> render_chat_prompt(const Tokenizer& tokenizer, const ChatMarkers& markers,
                                             const std::vector<ChatMessage>& messages);

// The above as a ChatFormat (core/text/chat_format.h); DataError naming a missing marker.
std::shared_ptr<const ChatFormat> cradle_chat_format(std::shared_ptr<const Tokenizer> tokenizer);

}  // namespace cradle
