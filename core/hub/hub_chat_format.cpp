#include "core/hub/hub_chat_format.h"

#include <string>

#include "core/common/error.h"
#include "core/hub/hub_chat_template.h"

namespace cradle {
namespace {

nlohmann::ordered_json hub_message_list(const std::vector<ChatMessage>& messages, std::size_t count) {
  auto list = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < count; ++i)
    list.push_back({{"role", messages[i].role}, {"content", messages[i].content}});
  return list;
}

class HubChatFormat : public ChatFormat {
 public:
  HubChatFormat(std::shared_ptr<const HubTokenizer> tokenizer, std::vector<std::int64_t> end_ids)
      : tokenizer_(std::move(tokenizer)), end_ids_(std::move(end_ids)) {
    if (tokenizer_->chat_template().empty())
      throw ConfigError(
          "tokenizer_config.json: no chat_template; this model has no conversation format to tune "
          "(a base model: start from its instruct version, or pretrain on plain text)");
  }

  RenderedChat render(const std::vector<ChatMessage>& messages) const override {
    RenderedChat chat;
    std::string done;  // the text encoded so far
    const auto append_up_to = [&](const std::string& text, bool trained, std::size_t turn) {
      if (text.compare(0, done.size(), done) != 0)
        throw ConfigError("chat_template: the conversation up to message " + std::to_string(turn) +
                          " renders differently once later messages follow; the assistant's turns cannot be told "
                          "apart for training");
      for (const auto id : tokenizer_->encode(std::string_view(text).substr(done.size()))) {
        chat.ids.push_back(id);
        chat.trained.push_back(trained);
      }
      done = text;
    };
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if (messages[i].role != "assistant") continue;
      append_up_to(apply_hub_chat_template(*tokenizer_, hub_message_list(messages, i), true), false, i);
      append_up_to(apply_hub_chat_template(*tokenizer_, hub_message_list(messages, i + 1), false), true, i);
    }
    append_up_to(apply_hub_chat_template(*tokenizer_, hub_message_list(messages, messages.size()), false), false,
                 messages.size());
    return chat;
  }

  std::vector<std::int64_t> prompt(const std::vector<ChatMessage>& messages) const override {
    return tokenizer_->encode(apply_hub_chat_template(*tokenizer_, hub_message_list(messages, messages.size()), true));
  }

  std::vector<std::int64_t> end_ids() const override { return end_ids_; }
  std::string name() const override { return "the model's chat_template"; }

 private:
  std::shared_ptr<const HubTokenizer> tokenizer_;
  std::vector<std::int64_t> end_ids_;
};

}  // namespace

std::shared_ptr<const ChatFormat> hub_chat_format(std::shared_ptr<const HubTokenizer> tokenizer,
                                                  std::vector<std::int64_t> end_ids) {
  return std::make_shared<HubChatFormat>(std::move(tokenizer), std::move(end_ids));
}

}  // namespace cradle
