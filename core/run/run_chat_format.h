#pragma once
// The conversation format a language-model run speaks: a model folder's own
// chat template when it tunes one (model type "pretrained"), ending its turns
// at the folder's end-of-text ids; Cradle's markers for models trained here.
#include <memory>

#include "core/experiment/experiment.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"

namespace cradle {

// ConfigError when a model folder's tokenizer has no chat template, DataError
// when a Cradle tokenizer has no chat markers.
std::shared_ptr<const ChatFormat> run_chat_format(const ModelSpec& model, std::shared_ptr<const Tokenizer> tokenizer);

}  // namespace cradle
