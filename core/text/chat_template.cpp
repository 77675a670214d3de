#include "core/text/chat_template.h"

#include <string>

#include "core/common/error.h"

namespace cradle {
namespace {

std::int64_t marker_id(const Tokenizer& tokenizer, const std::string& text) {
  // Special tokens follow <pad>, <unk>, <bos> and <eos> at the start of the vocabulary.
  const std::int64_t scanned = std::min<std::int64_t>(tokenizer.vocab_size(), 64);
  for (std::int64_t id = 0; id < scanned; ++id)
    if (tokenizer.token_text(id) == text) return id;
  throw DataError("the tokenizer has no " + text +
                  " token; pretrain with data.tokenizer.special_tokens holding \"<|system|>\", \"<|user|>\" and "
                  "\"<|assistant|>\" (the default)");
}

class CradleChatFormat : public ChatFormat {
 public:
  explicit CradleChatFormat(std::shared_ptr<const Tokenizer> tokenizer)
      : tokenizer_(std::move(tokenizer)), markers_(chat_markers(*tokenizer_)) {}
  RenderedChat render(const std::vector<ChatMessage>& messages) const override {
    return render_chat(*tokenizer_, markers_, messages);
  }
  std::vector<std::int64_t> prompt(const std::vector<ChatMessage>& messages) const override {
    return render_chat_prompt(*tokenizer_, markers_, messages);
  }
  std::vector<std::int64_t> end_ids() const override { return {markers_.end_of_turn}; }
  std::string name() const override { return "Cradle's chat markers"; }

 private:
  std::shared_ptr<const Tokenizer> tokenizer_;
  ChatMarkers markers_;
};

std::int64_t role_marker(const ChatMarkers& markers, const std::string& role) {
  if (role == "system") return markers.system;
  if (role == "user") return markers.user;
  return markers.assistant;
}

}  // namespace

ChatMarkers chat_markers(const Tokenizer& tokenizer) {
  ChatMarkers markers;
  markers.system = marker_id(tokenizer, "<|system|>");
  markers.user = marker_id(tokenizer, "<|user|>");
  markers.assistant = marker_id(tokenizer, "<|assistant|>");
  return markers;
}

RenderedChat render_chat(const Tokenizer& tokenizer, const ChatMarkers& markers,
                         const std::vector<ChatMessage>& messages) {
  RenderedChat chat;
  const auto add = [&](std::int64_t id, bool trained) {
    chat.ids.push_back(id);
    chat.trained.push_back(trained);
  };
  add(kEosId, false);
  for (const auto& message : messages) {
    const bool assistant = message.role == "assistant";
    add(role_marker(markers, message.role), false);
    for (const auto id : tokenizer.encode(message.content)) add(id, assistant);
    add(markers.end_of_turn, assistant);
  }
  return chat;
}

std::vector<std::int64_t> render_chat_prompt(const Tokenizer& tokenizer, const ChatMarkers& markers,
                                             const std::vector<ChatMessage>& messages) {
  auto ids = render_chat(tokenizer, markers, messages).ids;
  ids.push_back(markers.assistant);
  return ids;
}

std::shared_ptr<const ChatFormat> cradle_chat_format(std::shared_ptr<const Tokenizer> tokenizer) {
  return std::make_shared<CradleChatFormat>(std::move(tokenizer));
}

}  // namespace cradle
