// libFuzzer target: the directory of a .cradle (zip) bundle. Bad input must
// end in a DataError; accepted entries must lie inside the input with safe names.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/export/bundle_archive.h"

namespace {

// A path component "." or "..", or an absolute name: what must never be accepted.
bool escapes(const std::string& name) {
  if (name.empty() || name.front() == '/') return true;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    const std::string part = name.substr(start, end - start);
    if (part == "." || part == "..") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& e : cradle::read_zip_directory(bytes, "model.cradle")) {
      if (e.offset + e.size > size || escapes(e.name)) __builtin_trap();
    }
  } catch (const cradle::DataError&) {}
  return 0;
}
