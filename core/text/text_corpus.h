#pragma once
// Plain-text corpora: .txt files or folders of them, cut into records (a whole
// file, a line, a paragraph, or the text between separator lines such as the
// "%" lines of the fortune files). Needs no LibTorch, so the fuzz target links
// it alone.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

// A record's text, where it came from for messages and previews
// ("path:line"), and its class for text classification (empty otherwise).
struct TextRecord {
  std::string text;
  std::string origin;
  std::string label;
};

enum class RecordSplit { File, Line, Paragraph, SeparatorLine };

RecordSplit record_split_from_string(const std::string& name);  // "file" | "line" | "paragraph" | "separator"

struct TextCorpusOptions {
  RecordSplit split = RecordSplit::File;
  std::string separator = "%";                   // RecordSplit::SeparatorLine: a line holding exactly this
  std::vector<std::string> include = {"*.txt"};  // file-name patterns taken from folders ('*' and '?')
  std::vector<std::string> exclude;              // file-name patterns left out of folders
  bool skip_bad_records = false;                 // invalid UTF-8: skip the record (else a DataError)
};

struct TextCorpus {
  std::vector<TextRecord> records;
  std::vector<std::string> files;    // the files read, in order
  std::vector<std::string> skipped;  // "path:line: invalid UTF-8 at byte N" for each record left out
};

// Files are read in the order given; a folder's files (recursively) in sorted
// path order, so the record order does not depend on the file system. Empty
// records (only whitespace) are dropped. DataError/IoError name the file, the
// line and the byte offset.
TextCorpus read_text_corpus(const std::vector<std::filesystem::path>& paths, const TextCorpusOptions& options);

// The records of one file's content; `origin` names it in records and errors.
void split_text_records(std::string_view content, const std::string& origin, const TextCorpusOptions& options,
                        TextCorpus& corpus);

// The files `paths` stand for: files as given, folders expanded with the
// include/exclude patterns. IoError for a missing path or a folder with no match.
std::vector<std::filesystem::path> expand_text_paths(const std::vector<std::filesystem::path>& paths,
                                                     const std::vector<std::string>& include,
                                                     const std::vector<std::string>& exclude);

bool matches_file_pattern(std::string_view name, std::string_view pattern);

// Text classification by folder: each path is a folder whose sub-folders name
// the classes; every record read from a sub-folder's files carries its name as
// the label. Files directly in a path are not read. IoError for a path that is
// not a folder or has no class sub-folder.
TextCorpus read_class_folders(const std::vector<std::filesystem::path>& paths, const TextCorpusOptions& options);

// Text classification by file: every record carries the name of its file
// (without extension) as the label; paths as for read_text_corpus.
TextCorpus read_class_files(const std::vector<std::filesystem::path>& paths, const TextCorpusOptions& options);

}  // namespace cradle
