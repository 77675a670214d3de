#include "core/hub/tokenizer/normalizers.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <vector>

#include "core/common/error.h"
#include "core/hub/tokenizer/tokenizer_json_fields.h"
#include "core/hub/tokenizer/unicode_pattern.h"

namespace cradle {
namespace {

icu::UnicodeString unicode_text(const std::string& text) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
}

class UnicodeFormNormalizer : public TextNormalizer {
 public:
  UnicodeFormNormalizer(const std::string& form, const std::string& where) {
    UErrorCode status = U_ZERO_ERROR;
    if (form == "NFC") form_ = icu::Normalizer2::getNFCInstance(status);
    if (form == "NFD") form_ = icu::Normalizer2::getNFDInstance(status);
    if (form == "NFKC") form_ = icu::Normalizer2::getNFKCInstance(status);
    if (form == "NFKD") form_ = icu::Normalizer2::getNFKDInstance(status);
    if (U_FAILURE(status) || !form_) throw ConfigError(where + ": ICU has no " + form + " normaliser");
  }
  std::string normalize(std::string text) const override {
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString normal = form_->normalize(unicode_text(text), status);
    if (U_FAILURE(status)) throw DataError(std::string("normalising text failed: ") + u_errorName(status));
    std::string out;
    normal.toUTF8String(out);
    return out;
  }

 private:
  const icu::Normalizer2* form_ = nullptr;
};

class LowercaseNormalizer : public TextNormalizer {
 public:
  std::string normalize(std::string text) const override {
    std::string out;
    unicode_text(text).toLower(icu::Locale::getRoot()).toUTF8String(out);
    return out;
  }
};

class PrependNormalizer : public TextNormalizer {
 public:
  PrependNormalizer(const nlohmann::json& spec, const std::string& where)
      : prefix_(required_string(spec, "prepend", where)) {}
  std::string normalize(std::string text) const override { return text.empty() ? text : prefix_ + text; }

 private:
  std::string prefix_;
};

class ReplaceNormalizer : public TextNormalizer {
 public:
  ReplaceNormalizer(const nlohmann::json& spec, const std::string& where)
      : pattern_(read_pattern(spec, where)), content_(required_string(spec, "content", where)) {}
  std::string normalize(std::string text) const override { return pattern_.replace_all(text, content_); }

 private:
  UnicodePattern pattern_;
  std::string content_;
};

class StripNormalizer : public TextNormalizer {
 public:
  StripNormalizer(const nlohmann::json& spec, const std::string& where)
      : left_(optional_bool(spec, "strip_left", true, where)),
        right_(optional_bool(spec, "strip_right", true, where)),
        white_space_(UnicodePattern::regex(R"(^\s+|\s+$)", where)),
        leading_(UnicodePattern::regex(R"(^\s+)", where)),
        trailing_(UnicodePattern::regex(R"(\s+$)", where)) {}
  std::string normalize(std::string text) const override {
    if (left_ && right_) return white_space_.replace_all(text, "");
    if (left_) return leading_.replace_all(text, "");
    if (right_) return trailing_.replace_all(text, "");
    return text;
  }

 private:
  bool left_, right_;
  UnicodePattern white_space_, leading_, trailing_;
};

class SequenceNormalizer : public TextNormalizer {
 public:
  SequenceNormalizer(const nlohmann::json& spec, const std::string& where) {
    const auto& steps = required_array(spec, "normalizers", where);
    for (std::size_t i = 0; i < steps.size(); ++i)
      if (auto step = make_text_normalizer(steps[i], where + ".normalizers[" + std::to_string(i) + "]"))
        steps_.push_back(std::move(step));
  }
  std::string normalize(std::string text) const override {
    for (const auto& step : steps_) text = step->normalize(std::move(text));
    return text;
  }

 private:
  std::vector<std::unique_ptr<TextNormalizer>> steps_;
};

}  // namespace

std::unique_ptr<TextNormalizer> make_text_normalizer(const nlohmann::json& spec, const std::string& where) {
  if (spec.is_null()) return nullptr;
  const std::string type = required_string(spec, "type", where);
  if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD")
    return std::make_unique<UnicodeFormNormalizer>(type, where);
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(spec, where);
  if (type == "Replace") return std::make_unique<ReplaceNormalizer>(spec, where);
  if (type == "Strip") return std::make_unique<StripNormalizer>(spec, where);
  if (type == "Sequence") return std::make_unique<SequenceNormalizer>(spec, where);
  throw ConfigError(where + ".type: the normalizer \"" + type +
                    "\" is not read by Cradle (it reads NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, "
                    "Sequence)");
}

}  // namespace cradle
