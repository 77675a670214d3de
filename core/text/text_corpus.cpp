#include "core/text/text_corpus.h"

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utf8.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// One line without its terminator (LF or CRLF).
std::string_view trim_line_end(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Collects the lines of the current record and emits it where the split rule
// says a record ends.
class RecordBuilder {
 public:
  RecordBuilder(std::string_view content, const std::string& origin, const TextCorpusOptions& options,
                TextCorpus& corpus)
      : content_(content), origin_(origin), options_(options), corpus_(corpus) {}

  void add_line(std::string_view line, std::int64_t line_number, std::size_t offset) {
    if (text_.empty() && !has_lines_) {
      first_line_ = line_number;
      first_offset_ = offset;
    }
    if (has_lines_) text_ += '\n';
    text_.append(line);
    has_lines_ = true;
    end_offset_ = offset + line.size();
  }

  void emit() {
    if (has_lines_ && !is_blank(text_)) {
      const std::string where = origin_ + ":" + std::to_string(first_line_);
      const std::string_view raw = content_.substr(first_offset_, end_offset_ - first_offset_);
      if (const auto bad = first_invalid_utf8_byte(raw)) {
        const std::string message =
            where + ": invalid UTF-8 at byte " + std::to_string(first_offset_ + *bad) + " of " + origin_;
        if (!options_.skip_bad_records) throw DataError(message);
        corpus_.skipped.push_back(message);
      } else {
        corpus_.records.push_back({text_, where, {}});
      }
    }
    text_.clear();
    has_lines_ = false;
  }

 private:
  std::string_view content_;
  const std::string& origin_;
  const TextCorpusOptions& options_;
  TextCorpus& corpus_;
  std::string text_;
  bool has_lines_ = false;
  std::int64_t first_line_ = 1;
  std::size_t first_offset_ = 0, end_offset_ = 0;
};

}  // namespace

RecordSplit record_split_from_string(const std::string& name) {
  if (name == "file") return RecordSplit::File;
  if (name == "line") return RecordSplit::Line;
  if (name == "paragraph") return RecordSplit::Paragraph;
  if (name == "separator") return RecordSplit::SeparatorLine;
  throw ConfigError("unknown record split \"" + name + "\"");
}

void split_text_records(std::string_view content, const std::string& origin, const TextCorpusOptions& options,
                        TextCorpus& corpus) {
  std::size_t offset = 0;
  if (content.substr(0, 3) == "\xEF\xBB\xBF") offset = 3;  // a byte-order mark is not text
  RecordBuilder record(content, origin, options, corpus);
  std::int64_t line_number = 0;
  while (offset < content.size()) {
    ++line_number;
    const std::size_t newline = content.find('\n', offset);
    const std::size_t end = newline == std::string_view::npos ? content.size() : newline;
    const std::string_view line = trim_line_end(content.substr(offset, end - offset));
    switch (options.split) {
      case RecordSplit::File: record.add_line(line, line_number, offset); break;
      case RecordSplit::Line:
        record.add_line(line, line_number, offset);
        record.emit();
        break;
      case RecordSplit::Paragraph:
        if (is_blank(line))
          record.emit();
        else
          record.add_line(line, line_number, offset);
        break;
      case RecordSplit::SeparatorLine:
        if (line == options.separator)
          record.emit();
        else
          record.add_line(line, line_number, offset);
        break;
    }
    offset = end + 1;
  }
  record.emit();
}

bool matches_file_pattern(std::string_view name, std::string_view pattern) {
  // Iterative wildcard match: '*' any run, '?' one byte; backtracks to the last '*'.
  std::size_t n = 0, p = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++n;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<fs::path> expand_text_paths(const std::vector<fs::path>& paths, const std::vector<std::string>& include,
                                        const std::vector<std::string>& exclude) {
  const auto any_match = [](const std::string& name, const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& pattern) { return matches_file_pattern(name, pattern); });
  };
  std::vector<fs::path> files;
  std::set<fs::path> seen;  // a file named twice, or through a symbolic link, is read once
  const auto add = [&](const fs::path& file) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(file, ec);
    if (seen.insert(ec ? file : canonical).second) files.push_back(file);
  };
  for (const auto& path : paths) {
    if (fs::is_regular_file(path)) {
      add(path);
    } else if (fs::is_directory(path)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name.front() != '.' && any_match(name, include) && !any_match(name, exclude))
          found.push_back(entry.path());
      }
      if (found.empty()) {
        std::string list;
        for (const auto& pattern : include) list += (list.empty() ? "" : ", ") + pattern;
        throw IoError(path.string() + ": no files matching " + list + " in this folder");
      }
      std::sort(found.begin(), found.end());
      for (const auto& file : found) add(file);
    } else {
      throw IoError(path.string() + ": no such file or folder");
    }
  }
  return files;
}

TextCorpus read_text_corpus(const std::vector<fs::path>& paths, const TextCorpusOptions& options) {
  TextCorpus corpus;
  for (const auto& file : expand_text_paths(paths, options.include, options.exclude)) {
    corpus.files.push_back(file.string());
    split_text_records(read_file(file), file.string(), options, corpus);
  }
  return corpus;
}

TextCorpus read_class_folders(const std::vector<fs::path>& paths, const TextCorpusOptions& options) {
  TextCorpus corpus;
  for (const auto& root : paths) {
    if (!fs::is_directory(root))
      throw IoError(root.string() + ": text classification by folder needs a folder with one sub-folder per class");
    std::vector<fs::path> classes;
    for (const auto& entry : fs::directory_iterator(root))
      if (entry.is_directory() && entry.path().filename().string().front() != '.') classes.push_back(entry.path());
    if (classes.empty())
      throw IoError(root.string() + ": no class sub-folders (expected one folder of text files per class)");
    std::sort(classes.begin(), classes.end());
    for (const auto& folder : classes) {
      const std::size_t first = corpus.records.size();
      for (const auto& file : expand_text_paths({folder}, options.include, options.exclude)) {
        corpus.files.push_back(file.string());
        split_text_records(read_file(file), file.string(), options, corpus);
      }
      const std::string label = folder.filename().string();
      for (std::size_t i = first; i < corpus.records.size(); ++i) corpus.records[i].label = label;
    }
  }
  return corpus;
}

TextCorpus read_class_files(const std::vector<fs::path>& paths, const TextCorpusOptions& options) {
  TextCorpus corpus;
  for (const auto& file : expand_text_paths(paths, options.include, options.exclude)) {
    corpus.files.push_back(file.string());
    const std::size_t first = corpus.records.size();
    split_text_records(read_file(file), file.string(), options, corpus);
    const std::string label = file.stem().string();
    for (std::size_t i = first; i < corpus.records.size(); ++i) corpus.records[i].label = label;
  }
  return corpus;
}

}  // namespace cradle
