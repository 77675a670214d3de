#pragma once
// How a language model a run (or a bundle) holds writes text: a model trained
// here continues a prompt after <eos> and answers a chat in Cradle's markers;
// a model tuned from a Hugging Face folder (model type "pretrained") encodes
// the prompt as its tokenizer does (its <s> or <|begin_of_text|>), answers in
// its own chat template and stops at the folder's end-of-text ids. The
// command line, the playground and the evaluation report all go through here.
#include <torch/nn.h>

#include <memory>
#include <string>
#include <vector>

#include "core/eval/text_generation.h"
#include "core/experiment/model_spec.h"
#include "core/text/tokenizer.h"

namespace cradle {

TextGenerator model_text_generator(torch::nn::Sequential model, std::shared_ptr<const Tokenizer> tokenizer,
                                   std::int64_t context_length, const ModelSpec& spec);

// A user's message as a chat model's prompt: the conversation so far, ready for the assistant's reply.
std::vector<std::int64_t> user_turn_prompt(const ModelSpec& spec, std::shared_ptr<const Tokenizer> tokenizer,
                                           const std::string& message);

}  // namespace cradle
