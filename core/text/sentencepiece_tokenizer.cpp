#include "core/text/sentencepiece_tokenizer.h"

#include <dlfcn.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/text/sentencepiece_bridge/sentencepiece_bridge.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// The bridge's functions, resolved once.
struct Bridge {
  decltype(&cradle_spm_train) train = nullptr;
  decltype(&cradle_spm_load) load = nullptr;
  decltype(&cradle_spm_free) free = nullptr;
  decltype(&cradle_spm_model_into) model_into = nullptr;
  decltype(&cradle_spm_vocab_size) vocab_size = nullptr;
  decltype(&cradle_spm_encode_into) encode_into = nullptr;
  decltype(&cradle_spm_decode_into) decode_into = nullptr;
  decltype(&cradle_spm_piece_into) piece_into = nullptr;
  std::string error;  // why it could not be loaded
};

std::vector<fs::path> bridge_candidates() {
  std::vector<fs::path> candidates;
  if (const char* configured = std::getenv("CRADLE_SENTENCEPIECE_LIBRARY")) candidates.emplace_back(configured);
  std::error_code ec;
  const fs::path exe_dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (!ec) {
    candidates.push_back(exe_dir / "libcradle_sentencepiece.so");
    candidates.push_back(exe_dir / ".." / CRADLE_PRIVATE_LIBDIR / "libcradle_sentencepiece.so");  // installed
    // The build tree: executables in build/app, build/tests and build/bench, the library in build/core. Relative,
    // so an installed copy never reaches back into the tree it was built in.
    candidates.push_back(exe_dir / ".." / "core" / "libcradle_sentencepiece.so");
  }
  return candidates;
}

const Bridge& bridge() {
  static Bridge b;
  static std::once_flag once;
  std::call_once(once, [] {
    void* library = nullptr;
    std::string tried;
    for (const auto& candidate : bridge_candidates()) {
      if (!fs::exists(candidate)) {
        tried += (tried.empty() ? "" : ", ") + candidate.lexically_normal().string();
        continue;
      }
      // DEEPBIND: the bridge and libsentencepiece resolve protobuf to their own
      // copy first, not to the one LibTorch brought into the process.
      library = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (library) break;
      b.error = candidate.string() + ": " + dlerror();
      return;
    }
    if (!library) {
      b.error = "libcradle_sentencepiece.so not found (tried " + tried +
                "); build with CRADLE_WITH_SENTENCEPIECE=ON or set CRADLE_SENTENCEPIECE_LIBRARY";
      return;
    }
    const auto resolve = [&](auto& slot, const char* name) {
      slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(dlsym(library, name));
      if (!slot && b.error.empty()) b.error = std::string("libcradle_sentencepiece.so lacks ") + name;
    };
    resolve(b.train, "cradle_spm_train");
    resolve(b.load, "cradle_spm_load");
    resolve(b.free, "cradle_spm_free");
    resolve(b.model_into, "cradle_spm_model_into");
    resolve(b.vocab_size, "cradle_spm_vocab_size");
    resolve(b.encode_into, "cradle_spm_encode_into");
    resolve(b.decode_into, "cradle_spm_decode_into");
    resolve(b.piece_into, "cradle_spm_piece_into");
  });
  if (!b.error.empty()) throw ConfigError("data.tokenizer: " + b.error);
  return b;
}

template <typename Fill>
std::string read_string(Fill fill) {
  std::string out(256, '\0');
  std::size_t size = fill(out.data(), out.size());
  if (size > out.size()) {
    out.resize(size);
    size = fill(out.data(), out.size());
  }
  out.resize(size);
  return out;
}

}  // namespace

bool sentencepiece_available(std::string* why_not) {
  try {
    bridge();
    return true;
  } catch (const ConfigError& error) {
    if (why_not) *why_not = error.what();
    return false;
  }
}

SentencePieceTokenizer::~SentencePieceTokenizer() {
  if (handle_) bridge().free(handle_);
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::train(const TokenizerSpec& spec,
                                                                      const std::vector<std::string>& texts) {
  const Bridge& b = bridge();
  std::string symbols;
  for (const auto& token : spec.special_tokens) symbols += (symbols.empty() ? "" : ",") + token;
  std::vector<std::string> options = {
      "model_type=" + spec.type,
      "vocab_size=" + std::to_string(spec.vocab_size),
      "character_coverage=" + std::to_string(spec.character_coverage),
      "pad_id=0",
      "unk_id=1",
      "bos_id=2",
      "eos_id=3",
      "pad_piece=<pad>",
      "unk_piece=<unk>",
      "bos_piece=<bos>",
      "eos_piece=<eos>",
      "normalization_rule_name=identity",
      "remove_extra_whitespaces=false",
      "max_sentence_length=1048576",
      "hard_vocab_limit=false",
      "num_threads=" + std::to_string(std::max(1u, std::thread::hardware_concurrency()))};
  if (!symbols.empty()) options.push_back("user_defined_symbols=" + symbols);
  std::vector<const char*> option_pointers, sentence_pointers;
  std::vector<std::size_t> lengths;
  for (const auto& option : options) option_pointers.push_back(option.c_str());
  for (const auto& text : texts) {
    sentence_pointers.push_back(text.data());
    lengths.push_back(text.size());
  }
  char error[1024] = "";
  void* handle = b.train(sentence_pointers.data(), lengths.data(), texts.size(), option_pointers.data(),
                         option_pointers.size(), error, sizeof error);
  if (!handle) throw DataError(std::string("data.tokenizer: sentencepiece training failed: ") + error);
  return std::unique_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer(spec.type, handle));
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::load(const std::string& type, const std::string& model,
                                                                     const std::string& origin) {
  char error[1024] = "";
  void* handle = bridge().load(model.data(), model.size(), error, sizeof error);
  if (!handle) throw DataError(origin + ": not a sentencepiece model: " + error);
  return std::unique_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer(type, handle));
}

std::int64_t SentencePieceTokenizer::vocab_size() const { return bridge().vocab_size(handle_); }

std::vector<std::int64_t> SentencePieceTokenizer::encode(std::string_view text) const {
  std::vector<std::int32_t> ids(text.size() + 8);
  std::size_t count = bridge().encode_into(handle_, text.data(), text.size(), ids.data(), ids.size());
  if (count > ids.size()) {
    ids.resize(count);
    count = bridge().encode_into(handle_, text.data(), text.size(), ids.data(), ids.size());
  }
  return std::vector<std::int64_t>(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(count));
}

std::string SentencePieceTokenizer::decode(const std::vector<std::int64_t>& ids) const {
  std::vector<std::int32_t> narrow;
  for (const auto id : ids)
    if (id != kPadId && id != kBosId && id != kEosId) narrow.push_back(static_cast<std::int32_t>(id));
  return read_string([&](char* out, std::size_t capacity) {
    return bridge().decode_into(handle_, narrow.data(), narrow.size(), out, capacity);
  });
}

std::string SentencePieceTokenizer::token_text(std::int64_t id) const {
  return read_string([&](char* out, std::size_t capacity) {
    return bridge().piece_into(handle_, static_cast<std::int32_t>(id), out, capacity);
  });
}

void SentencePieceTokenizer::save(const fs::path& file) const {
  fs::path model_file = file;
  model_file.replace_extension(".model");
  write_text_atomically(model_file, read_string([&](char* out, std::size_t capacity) {
                          return bridge().model_into(handle_, out, capacity);
                        }));
  const nlohmann::ordered_json document = {{"format_version", 1},
                                           {"type", type_},
                                           {"model_file", model_file.filename().string()},
                                           {"vocab_size", vocab_size()}};
  write_text_atomically(file, document.dump(1) + "\n");
}

}  // namespace cradle
