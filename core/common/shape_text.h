#pragma once
// A tensor's shape as error messages print it, "[2, 3, 4]", from any sequence
// of integers (c10::IntArrayRef, std::vector<std::int64_t>): header-only, so
// core/common stays free of LibTorch.
#include <string>

namespace cradle {

template <class Sizes>
std::string shape_text(const Sizes& sizes) {
  std::string text = "[";
  bool first = true;
  for (const auto size : sizes) {
    text += (first ? "" : ", ") + std::to_string(size);
    first = false;
  }
  return text + "]";
}

}  // namespace cradle
