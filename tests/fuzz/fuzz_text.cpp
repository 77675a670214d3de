// libFuzzer target: cutting text files into records. Bad UTF-8 must end in a
// DataError (or a skipped record); every record accepted must be valid UTF-8,
// non-blank, and name a line of the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/common/utf8.h"
#include "core/text/text_corpus.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto split : {cradle::RecordSplit::File, cradle::RecordSplit::Line, cradle::RecordSplit::Paragraph,
                           cradle::RecordSplit::SeparatorLine}) {
    for (const bool skip : {false, true}) {
      cradle::TextCorpusOptions options;
      options.split = split;
      options.skip_bad_records = skip;
      cradle::TextCorpus corpus;
      try {
        cradle::split_text_records(input, "fuzz.txt", options, corpus);
      } catch (const cradle::DataError&) {
        if (skip) __builtin_trap();  // skipping never throws
        continue;
      }
      for (const auto& record : corpus.records) {
        if (cradle::first_invalid_utf8_byte(record.text)) __builtin_trap();
        if (record.text.find_first_not_of(" \t\r\n") == std::string::npos) __builtin_trap();
        if (record.origin.rfind("fuzz.txt:", 0) != 0) __builtin_trap();
        if (split == cradle::RecordSplit::Line && record.text.find('\n') != std::string::npos) __builtin_trap();
      }
    }
  }
  return 0;
}
