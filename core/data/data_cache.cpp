#include "core/data/data_cache.h"

#include <torch/torch.h>

#include <cstdlib>
#include <functional>
#include <optional>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/data_cache_entries.h"
#include "core/data/seeded_order.h"
#include "core/train/archive_file.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

constexpr int kCacheFormat = 3;  // bump when what is stored changes

// Two independent 64-bit running hashes: 128 bits, so distinct inputs never meet in practice.
class KeyHash {
 public:
  void add(const std::string& text) {
    for (const unsigned char c : text) {
      a_ = (a_ ^ c) * 0x100000001B3ull;
      b_ = SplitMix64(b_ ^ c).next();
    }
    a_ = (a_ ^ 0xFF) * 0x100000001B3ull;  // a separator, so "ab"+"c" differs from "a"+"bc"
    b_ = SplitMix64(b_ ^ 0x1FF).next();
  }
  std::string hex() const {
    char text[40];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(a_),
                  static_cast<unsigned long long>(b_));
    return text;
  }

 private:
  std::uint64_t a_ = 0xCBF29CE484222325ull, b_ = 0x243F6A8885A308D3ull;
};

void add_file_identity(KeyHash& hash, const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  const auto time = fs::last_write_time(path, ec);
  hash.add(path.string() + "|" + std::to_string(ec ? 0 : size) + "|" +
           std::to_string(ec ? 0 : time.time_since_epoch().count()));
}

// Every file a data path stands for: the file itself, or a folder's files (recursively, sorted).
void add_source_identity(KeyHash& hash, const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec))
      if (entry.is_regular_file(ec)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) add_file_identity(hash, file);
  } else {
    add_file_identity(hash, path);
  }
}

fs::path entry_path(const std::string& key, const char* extension) { return data_cache_dir() / (key + extension); }

void save_tensors(const fs::path& file, const ClassificationData& data) {
  torch::serialize::OutputArchive archive;
  const auto put = [&](const char* name, const torch::Tensor& tensor) {
    if (tensor.defined()) archive.write(name, tensor);
  };
  put("train_inputs", data.train.inputs);
  put("train_targets", data.train.targets);
  put("validation_inputs", data.validation.inputs);
  put("validation_targets", data.validation.targets);
  put("test_inputs", data.test.inputs);
  put("test_targets", data.test.targets);
  save_archive_atomically(file, archive);
}

void load_tensors(const fs::path& file, ClassificationData& data) {
  torch::serialize::InputArchive archive;
  archive.load_from(file.string());
  const auto get = [&](const char* name, torch::Tensor& tensor) {
    torch::Tensor value;
    if (archive.try_read(name, value)) tensor = value;
  };
  get("train_inputs", data.train.inputs);
  get("train_targets", data.train.targets);
  get("validation_inputs", data.validation.inputs);
  get("validation_targets", data.validation.targets);
  get("test_inputs", data.test.inputs);
  get("test_targets", data.test.targets);
}

Json records_json(const std::vector<TextRecord>& records) {
  Json list = Json::array();
  for (const auto& r : records)
    list.push_back(r.label.empty() ? Json::array({r.text, r.origin}) : Json::array({r.text, r.origin, r.label}));
  return list;
}

std::vector<TextRecord> records_from(const Json& list) {
  std::vector<TextRecord> records;
  for (const auto& item : list)
    records.push_back({item.at(0).get<std::string>(), item.at(1).get<std::string>(),
                       item.size() > 2 ? item.at(2).get<std::string>() : std::string()});
  return records;
}

}  // namespace

const char* to_string(CacheOutcome outcome) {
  return outcome == CacheOutcome::Hit ? "hit" : outcome == CacheOutcome::Miss ? "miss" : "off";
}

fs::path data_cache_dir() {
  if (const char* dir = std::getenv("CRADLE_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "cradle" / "data";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "cradle" / "data";
  return fs::temp_directory_path() / "cradle-cache";
}

std::string data_cache_key(const Experiment& experiment) {
  const Experiment e = with_absolute_paths(experiment);
  KeyHash hash;
  hash.add("cradle-data-cache " + std::to_string(kCacheFormat) + " " TORCH_VERSION);
  const Json document = experiment_to_json(e);
  hash.add(document["task"].dump() + document["seed"].dump() + document["data"].dump());
  const DataSpec& d = e.data;
  for (const std::string* path : {&d.folder, &d.test_folder, &d.file, &d.test_file, &d.train_images, &d.train_labels,
                                  &d.test_images, &d.test_labels})
    if (!path->empty()) add_source_identity(hash, *path);
  for (const auto& path : d.paths) add_source_identity(hash, path);
  return hash.hex();
}

namespace {

// The mechanism both kinds of entry share: the key, a hit renewing the entry,
// a damaged entry rebuilt, a new entry written then the folder trimmed. `read`
// returns the entry (throwing or nullopt when absent or damaged); `write` stores one.
template <typename Prepared>
Prepared through_cache(const Experiment& e, CacheOutcome* outcome, const std::function<Prepared()>& prepare,
                       const std::function<std::optional<Prepared>(const std::string& key)>& read,
                       const std::function<void(const std::string& key, const Prepared&)>& write) {
  if (outcome) *outcome = CacheOutcome::Off;
  if (!e.data.cache) return prepare();
  const std::uintmax_t limit = data_cache_limit();  // a bad $CRADLE_CACHE_MAX_SIZE is reported before any work
  const std::string key = data_cache_key(e);
  try {
    if (std::optional<Prepared> cached = read(key)) {
      touch_data_cache_entry(data_cache_dir(), key);
      if (outcome) *outcome = CacheOutcome::Hit;
      return std::move(*cached);
    }
  } catch (const std::exception&) {
    // A damaged or partial entry: rebuilt below.
  }
  Prepared prepared = prepare();
  if (outcome) *outcome = CacheOutcome::Miss;
  try {
    fs::create_directories(data_cache_dir());
    write(key, prepared);
    evict_data_cache(data_cache_dir(), limit);
  } catch (const std::exception&) {
    // A read-only or full cache folder costs speed, not correctness.
  }
  return prepared;
}

std::optional<ClassificationData> read_tensor_entry(const std::string& key) {
  const fs::path meta_file = entry_path(key, ".json"), tensor_file = entry_path(key, ".pt");
  if (!fs::exists(meta_file) || !fs::exists(tensor_file)) return std::nullopt;
  const Json meta = Json::parse(read_file(meta_file));
  ClassificationData data;
  load_tensors(tensor_file, data);
  data.class_names = meta.at("class_names").get<std::vector<std::string>>();
  data.input_shape = meta.at("input_shape").get<std::vector<std::int64_t>>();
  data.skipped_files = meta.at("skipped_files").get<std::vector<std::string>>();
  data.dropped_rows = meta.at("dropped_rows").get<std::int64_t>();
  data.normalize_mean = meta.at("normalize_mean").get<std::vector<double>>();
  data.normalize_std = meta.at("normalize_std").get<std::vector<double>>();
  data.target_mean = meta.at("target_mean").get<double>();
  data.target_std = meta.at("target_std").get<double>();
  data.category_sizes = meta.at("category_sizes").get<std::vector<std::int64_t>>();
  if (data.train.size() == 0 || data.test.size() == 0) return std::nullopt;
  return data;
}

void write_tensor_entry(const std::string& key, const ClassificationData& data) {
  save_tensors(entry_path(key, ".pt"), data);
  const Json meta = {{"class_names", data.class_names},       {"input_shape", data.input_shape},
                     {"skipped_files", data.skipped_files},   {"dropped_rows", data.dropped_rows},
                     {"normalize_mean", data.normalize_mean}, {"normalize_std", data.normalize_std},
                     {"target_mean", data.target_mean},       {"target_std", data.target_std},
                     {"category_sizes", data.category_sizes}};
  write_text_atomically(entry_path(key, ".json"), meta.dump() + "\n");  // written last: it marks a complete entry
}

std::optional<PreparedText> read_text_entry(const std::string& key) {
  const fs::path file = entry_path(key, ".text.json");
  if (!fs::exists(file)) return std::nullopt;
  const Json j = Json::parse(read_file(file));
  PreparedText p;
  p.files = j.at("files").get<std::vector<std::string>>();
  p.records_read = j.at("records_read").get<std::int64_t>();
  p.skipped = j.at("skipped").get<std::vector<std::string>>();
  for (const auto& r : j.at("steps")) {
    TextStepReport report;
    report.op = r.at("op").get<std::string>();
    report.records_in = r.at("records_in").get<std::int64_t>();
    report.records_out = r.at("records_out").get<std::int64_t>();
    report.records_changed = r.at("records_changed").get<std::int64_t>();
    report.chars_in = r.at("chars_in").get<std::int64_t>();
    report.chars_out = r.at("chars_out").get<std::int64_t>();
    report.seconds = r.at("seconds").get<double>();
    for (const auto& x : r.at("examples"))
      report.examples.push_back({x.at("origin").get<std::string>(), x.at("before").get<std::string>(),
                                 x.value("after", ""), x.value("removed_because", "")});
    p.steps.push_back(std::move(report));
  }
  p.train = records_from(j.at("train"));
  p.validation = records_from(j.at("validation"));
  p.test = records_from(j.at("test"));
  return p;
}

void write_text_entry(const std::string& key, const PreparedText& p) {
  Json steps = Json::array();
  for (const auto& report : p.steps) steps.push_back(text_step_report_to_json(report));
  const Json j = {{"files", p.files},
                  {"records_read", p.records_read},
                  {"skipped", p.skipped},
                  {"steps", steps},
                  {"train", records_json(p.train)},
                  {"validation", records_json(p.validation)},
                  {"test", records_json(p.test)}};
  write_text_atomically(entry_path(key, ".text.json"), j.dump() + "\n");
}

}  // namespace

ClassificationData load_classification_data_cached(const Experiment& e, CacheOutcome* outcome) {
  return through_cache<ClassificationData>(
      e, outcome, [&] { return load_classification_data(e); }, read_tensor_entry, write_tensor_entry);
}

PreparedText prepare_text_cached(const Experiment& e, CacheOutcome* outcome) {
  return through_cache<PreparedText>(
      e, outcome, [&] { return prepare_text(e); }, read_text_entry, write_text_entry);
}

}  // namespace cradle
