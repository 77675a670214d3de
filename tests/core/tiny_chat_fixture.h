#pragma once
// The tiny world the alignment-stage tests train in: a character tokenizer
// (with the chat markers), a corpus and dialogues over eight short words, and
// the experiments of a 2-layer GPT pretrained on them and fine-tuned to answer
// "say W" with "W.". Small enough to train in seconds on two cores.
#include <filesystem>
#include <memory>

#include "core/experiment/experiment.h"
#include "core/text/tokenizer.h"

namespace cradle::test {

inline const char* const kTinyWords[] = {"cat", "dog", "sun", "map", "cup", "hat", "pen", "box"};

std::shared_ptr<const Tokenizer> letter_tokenizer();

// corpus.txt (300 records) and dialogues.jsonl (160 dialogues) in `dir`.
void write_tiny_chat_files(const std::filesystem::path& dir);

// preferences.jsonl in `dir`, `pairs` pairs whose hidden rule is that a reply
// starting with "the" beats the same reply starting with "a".
void write_tiny_preferences(const std::filesystem::path& dir, int pairs);

Json tiny_pretrain_experiment(const std::filesystem::path& dir);
Json tiny_sft_experiment(const std::filesystem::path& dir, const std::filesystem::path& base);
// DPO (beta 0.1) on <dir>/preferences.jsonl from `base`.
Json tiny_dpo_experiment(const std::filesystem::path& dir, const std::filesystem::path& base);

// Writes the files, pretrains <root>/base for an epoch and fine-tunes it into
// <root>/chat (a chat policy that answers "say W" with "W."); returns <root>/chat.
std::filesystem::path tiny_chat_policy(const std::filesystem::path& root);

}  // namespace cradle::test
