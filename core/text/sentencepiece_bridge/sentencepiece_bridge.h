#pragma once
// The plain C interface of libcradle_sentencepiece, a small shared library
// that links Debian's libsentencepiece. It is loaded with dlopen(RTLD_LOCAL |
// RTLD_DEEPBIND) because libsentencepiece carries its own protobuf (3.14),
// which cannot share a process with LibTorch's (3.21) when linked directly:
// see ../shared/notes/dependencies.md. Only C types cross this boundary.
//
// Functions returning int return 0 on success; on failure they write a message
// (truncated to error_size) into `error`. Sizes returned by the *_into
// functions are the full length needed: call again with a larger buffer when it
// exceeds the capacity given.
#include <stddef.h>
#include <stdint.h>

#define CRADLE_SPM_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

// Trains on `count` sentences with sentencepiece's trainer options given as
// "key=value" strings; the serialized model is kept in the returned handle.
CRADLE_SPM_API void* cradle_spm_train(const char* const* sentences, const size_t* lengths, size_t count,
                                      const char* const* options, size_t option_count, char* error, size_t error_size);
CRADLE_SPM_API void* cradle_spm_load(const char* model, size_t size, char* error, size_t error_size);
CRADLE_SPM_API void cradle_spm_free(void* handle);

CRADLE_SPM_API size_t cradle_spm_model_into(void* handle, char* out, size_t capacity);  // the serialized model
CRADLE_SPM_API int32_t cradle_spm_vocab_size(void* handle);
CRADLE_SPM_API size_t cradle_spm_encode_into(void* handle, const char* text, size_t length, int32_t* ids,
                                             size_t capacity);
CRADLE_SPM_API size_t cradle_spm_decode_into(void* handle, const int32_t* ids, size_t count, char* out,
                                             size_t capacity);
CRADLE_SPM_API size_t cradle_spm_piece_into(void* handle, int32_t id, char* out, size_t capacity);

#ifdef __cplusplus
}
#endif
