// libFuzzer target: CIFAR-10 batch files and batches.meta.txt. The first byte
// chooses which parser gets the rest; bad input must end in a DataError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/data/cifar10_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] & 1) {
      const auto names = cradle::parse_cifar10_meta(rest, "batches.meta.txt");
      if (names.size() != cradle::kCifarClasses) __builtin_trap();
    } else {
      const auto records = cradle::parse_cifar10(rest, "data_batch_1.bin");
      if (records.pixels.size() != records.labels.size() * cradle::kCifarImageBytes) __builtin_trap();
      for (auto label : records.labels)
        if (label >= cradle::kCifarClasses) __builtin_trap();
    }
  } catch (const cradle::DataError&) {}
  return 0;
}
