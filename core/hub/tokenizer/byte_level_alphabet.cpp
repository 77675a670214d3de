#include "core/hub/tokenizer/byte_level_alphabet.h"

#include <array>
#include <cstdint>
#include <unordered_map>

namespace cradle {
namespace {

std::string utf8_of_code_point(char32_t code_point) {
  std::string out;
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else {  // the alphabet stays below U+0800: two bytes
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
  return out;
}

struct ByteLevelTables {
  std::array<std::string, 256> character_of_byte;
  std::unordered_map<char32_t, unsigned char> byte_of_character;

  ByteLevelTables() {
    const auto stands_for_itself = [](int byte) {
      return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE && byte <= 0xFF);
    };
    char32_t next_free = 0x100;
    for (int byte = 0; byte < 256; ++byte) {
      const char32_t character = stands_for_itself(byte) ? static_cast<char32_t>(byte) : next_free++;
      character_of_byte[byte] = utf8_of_code_point(character);
      byte_of_character[character] = static_cast<unsigned char>(byte);
    }
  }
};

const ByteLevelTables& byte_level_tables() {
  static const ByteLevelTables tables;
  return tables;
}

}  // namespace

std::string to_byte_level(std::string_view bytes) {
  const auto& tables = byte_level_tables();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char byte : bytes) out += tables.character_of_byte[byte];
  return out;
}

std::optional<std::string> from_byte_level(std::string_view token) {
  const auto& tables = byte_level_tables();
  std::string bytes;
  bytes.reserve(token.size());
  for (std::size_t i = 0; i < token.size();) {
    const auto lead = static_cast<unsigned char>(token[i]);
    char32_t character = 0;
    if (lead < 0x80) {
      character = lead;
      i += 1;
    } else if ((lead & 0xE0) == 0xC0 && i + 1 < token.size()) {
      character = (static_cast<char32_t>(lead & 0x1F) << 6) | (static_cast<unsigned char>(token[i + 1]) & 0x3F);
      i += 2;
    } else {
      return std::nullopt;  // three- and four-byte characters are outside the alphabet
    }
    const auto found = tables.byte_of_character.find(character);
    if (found == tables.byte_of_character.end()) return std::nullopt;
    bytes += static_cast<char>(found->second);
  }
  return bytes;
}

}  // namespace cradle
