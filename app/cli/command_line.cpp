#include "app/cli/command_line.h"

namespace cradle::cli {

const CLI::Validator kOverrideSyntax(
    [](std::string& value) {
      const auto equals = value.find('=');
      return equals == std::string::npos || equals == 0
                 ? "expected FIELD=VALUE (e.g. train.lr=3e-4), got \"" + value + "\""
                 : std::string();
    },
    "FIELD=VALUE");

std::string unescape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == 't' || text[i + 1] == '\\')) {
      out += text[i + 1] == 'n' ? '\n' : text[i + 1] == 't' ? '\t' : '\\';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace cradle::cli
