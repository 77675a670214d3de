#include "core/hub/tokenizer/decoders.h"

#include <cctype>

#include "core/common/error.h"
#include "core/common/utf8.h"
#include "core/hub/tokenizer/byte_level_alphabet.h"
#include "core/hub/tokenizer/tokenizer_json_fields.h"

namespace cradle {
namespace {

const char* const kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

void replace_every(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// Tokens in the byte alphabet become their bytes, joined into one.
class ByteLevelDecoder : public TokenDecoder {
 public:
  void decode(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const auto& token : tokens) {
      const auto decoded = from_byte_level(token);
      bytes += decoded ? *decoded : token;
    }
    tokens.assign(1, std::move(bytes));
  }
};

class MetaspaceDecoder : public TokenDecoder {
 public:
  MetaspaceDecoder(const nlohmann::json& spec, const std::string& where)
      : replacement_(optional_string(spec, "replacement", "\u2581", where)),
        strip_first_space_(read_prepend_scheme(spec, where) != PrependScheme::Never) {}
  void decode(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      replace_every(tokens[i], replacement_, " ");
      if (i == 0 && strip_first_space_ && !tokens[i].empty() && tokens[i].front() == ' ') tokens[i].erase(0, 1);
    }
  }

 private:
  std::string replacement_;
  bool strip_first_space_;
};

class ReplaceDecoder : public TokenDecoder {
 public:
  ReplaceDecoder(const nlohmann::json& spec, const std::string& where)
      : pattern_(read_pattern(spec, where)), content_(required_string(spec, "content", where)) {}
  void decode(std::vector<std::string>& tokens) const override {
    for (auto& token : tokens) token = pattern_.replace_all(token, content_);
  }

 private:
  UnicodePattern pattern_;
  std::string content_;
};

// Runs of `<0xNN>` tokens become the text their bytes spell, or one U+FFFD
// per byte token when the bytes are not valid UTF-8.
class ByteFallbackDecoder : public TokenDecoder {
 public:
  void decode(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string bytes;
    std::size_t byte_tokens = 0;
    const auto flush = [&] {
      if (byte_tokens == 0) return;
      if (!first_invalid_utf8_byte(bytes))
        out.push_back(bytes);
      else
        for (std::size_t i = 0; i < byte_tokens; ++i) out.emplace_back(kReplacementCharacter);
      bytes.clear();
      byte_tokens = 0;
    };
    for (auto& token : tokens) {
      if (token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>' &&
          std::isxdigit(static_cast<unsigned char>(token[3])) && std::isxdigit(static_cast<unsigned char>(token[4]))) {
        bytes += static_cast<char>(std::stoi(token.substr(3, 2), nullptr, 16));
        ++byte_tokens;
        continue;
      }
      flush();
      out.push_back(std::move(token));
    }
    flush();
    tokens = std::move(out);
  }
};

class FuseDecoder : public TokenDecoder {
 public:
  void decode(std::vector<std::string>& tokens) const override {
    std::string joined;
    for (const auto& token : tokens) joined += token;
    tokens.assign(1, std::move(joined));
  }
};

// Removes up to `start` copies of `content` from each token's front and `stop` from its back.
class StripDecoder : public TokenDecoder {
 public:
  StripDecoder(const nlohmann::json& spec, const std::string& where)
      : content_(required_string(spec, "content", where)),
        start_(optional_integer(spec, "start", 0, where)),
        stop_(optional_integer(spec, "stop", 0, where)) {
    if (content_.empty()) throw ConfigError(where + ".content: must not be empty");
  }
  void decode(std::vector<std::string>& tokens) const override {
    for (auto& token : tokens) {
      for (std::int64_t i = 0; i < start_ && token.compare(0, content_.size(), content_) == 0; ++i)
        token.erase(0, content_.size());
      for (std::int64_t i = 0; i < stop_ && token.size() >= content_.size() &&
                               token.compare(token.size() - content_.size(), content_.size(), content_) == 0;
           ++i)
        token.erase(token.size() - content_.size());
    }
  }

 private:
  std::string content_;
  std::int64_t start_, stop_;
};

class SequenceDecoder : public TokenDecoder {
 public:
  SequenceDecoder(const nlohmann::json& spec, const std::string& where) {
    const auto& steps = required_array(spec, "decoders", where);
    for (std::size_t i = 0; i < steps.size(); ++i)
      if (auto step = make_token_decoder(steps[i], where + ".decoders[" + std::to_string(i) + "]"))
        steps_.push_back(std::move(step));
  }
  void decode(std::vector<std::string>& tokens) const override {
    for (const auto& step : steps_) step->decode(tokens);
  }

 private:
  std::vector<std::unique_ptr<TokenDecoder>> steps_;
};

}  // namespace

std::unique_ptr<TokenDecoder> make_token_decoder(const nlohmann::json& spec, const std::string& where) {
  if (spec.is_null()) return nullptr;
  const std::string type = required_string(spec, "type", where);
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Metaspace") return std::make_unique<MetaspaceDecoder>(spec, where);
  if (type == "Replace") return std::make_unique<ReplaceDecoder>(spec, where);
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") return std::make_unique<StripDecoder>(spec, where);
  if (type == "Sequence") return std::make_unique<SequenceDecoder>(spec, where);
  throw ConfigError(where + ".type: the decoder \"" + type +
                    "\" is not read by Cradle (it reads ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, "
                    "Sequence)");
}

}  // namespace cradle
