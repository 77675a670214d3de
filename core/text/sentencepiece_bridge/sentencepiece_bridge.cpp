// libcradle_sentencepiece: sentencepiece behind a C interface (see the header
// for why). Built as its own shared library; nothing here may include LibTorch.
#include "core/text/sentencepiece_bridge/sentencepiece_bridge.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

// Exported by libsentencepiece but not declared in its public headers.
namespace sentencepiece::logging {
void SetMinLogLevel(int level);
}

namespace {

// sentencepiece logs through std::cerr. Bound deeply (RTLD_DEEPBIND), it would
// reach libstdc++'s own std::cerr, which is not the initialised stream when the
// executable holds a copy-relocated one; progress logging is not wanted anyway,
// and errors come back as statuses.
void silence_logging() {
  static const bool silenced = [] {
    sentencepiece::logging::SetMinLogLevel(100);
    return true;
  }();
  (void)silenced;
}

struct Model {
  sentencepiece::SentencePieceProcessor processor;
  std::string serialized;
};

void set_error(char* error, size_t size, const std::string& message) {
  if (!error || size == 0) return;
  const size_t n = std::min(size - 1, message.size());
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

size_t copy_out(const std::string& value, char* out, size_t capacity) {
  if (out && capacity > 0) std::memcpy(out, value.data(), std::min(capacity, value.size()));
  return value.size();
}

class Sentences : public sentencepiece::SentenceIterator {
 public:
  Sentences(const char* const* sentences, const size_t* lengths, size_t count)
      : sentences_(sentences), lengths_(lengths), count_(count) {
    load();
  }
  bool done() const override { return index_ >= count_; }
  void Next() override {
    ++index_;
    load();
  }
  const std::string& value() const override { return value_; }
  sentencepiece::util::Status status() const override { return sentencepiece::util::Status(); }

 private:
  void load() {
    if (index_ < count_) value_.assign(sentences_[index_], lengths_[index_]);
  }
  const char* const* sentences_;
  const size_t* lengths_;
  size_t count_;
  size_t index_ = 0;
  std::string value_;
};

}  // namespace

extern "C" {

void* cradle_spm_train(const char* const* sentences, const size_t* lengths, size_t count, const char* const* options,
                       size_t option_count, char* error, size_t error_size) {
  silence_logging();
  try {
    std::unordered_map<std::string, std::string> kwargs;
    for (size_t i = 0; i < option_count; ++i) {
      const std::string option = options[i];
      const auto equals = option.find('=');
      if (equals == std::string::npos) {
        set_error(error, error_size, "option without '=': " + option);
        return nullptr;
      }
      kwargs[option.substr(0, equals)] = option.substr(equals + 1);
    }
    Sentences iterator(sentences, lengths, count);
    auto model = std::make_unique<Model>();
    const auto status = sentencepiece::SentencePieceTrainer::Train(kwargs, &iterator, &model->serialized);
    if (!status.ok()) {
      set_error(error, error_size, status.ToString());
      return nullptr;
    }
    const auto loaded = model->processor.LoadFromSerializedProto(model->serialized);
    if (!loaded.ok()) {
      set_error(error, error_size, loaded.ToString());
      return nullptr;
    }
    return model.release();
  } catch (const std::exception& e) {
    set_error(error, error_size, e.what());
    return nullptr;
  }
}

void* cradle_spm_load(const char* data, size_t size, char* error, size_t error_size) {
  silence_logging();
  try {
    auto model = std::make_unique<Model>();
    model->serialized.assign(data, size);
    const auto status = model->processor.LoadFromSerializedProto(model->serialized);
    if (!status.ok()) {
      set_error(error, error_size, status.ToString());
      return nullptr;
    }
    return model.release();
  } catch (const std::exception& e) {
    set_error(error, error_size, e.what());
    return nullptr;
  }
}

void cradle_spm_free(void* handle) { delete static_cast<Model*>(handle); }

size_t cradle_spm_model_into(void* handle, char* out, size_t capacity) {
  return copy_out(static_cast<Model*>(handle)->serialized, out, capacity);
}

int32_t cradle_spm_vocab_size(void* handle) { return static_cast<Model*>(handle)->processor.GetPieceSize(); }

size_t cradle_spm_encode_into(void* handle, const char* text, size_t length, int32_t* ids, size_t capacity) {
  std::vector<int> encoded;
  if (!static_cast<Model*>(handle)->processor.Encode(std::string(text, length), &encoded).ok()) return 0;
  for (size_t i = 0; i < std::min(capacity, encoded.size()); ++i) ids[i] = encoded[i];
  return encoded.size();
}

size_t cradle_spm_decode_into(void* handle, const int32_t* ids, size_t count, char* out, size_t capacity) {
  std::string text;
  if (!static_cast<Model*>(handle)->processor.Decode(std::vector<int>(ids, ids + count), &text).ok()) return 0;
  return copy_out(text, out, capacity);
}

size_t cradle_spm_piece_into(void* handle, int32_t id, char* out, size_t capacity) {
  const auto* model = static_cast<Model*>(handle);
  if (id < 0 || id >= model->processor.GetPieceSize()) return 0;
  return copy_out(model->processor.IdToPiece(id), out, capacity);
}

}  // extern "C"
