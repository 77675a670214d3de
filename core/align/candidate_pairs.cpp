#include "core/align/candidate_pairs.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/hub/hub_model.h"
#include "core/run/run_chat_format.h"
#include "core/run/run_text_generator.h"
#include "core/run/run_weights.h"
#include "core/text/chat_template.h"

namespace cradle {
namespace {

constexpr int kSampleAttempts = 4;
constexpr std::uint64_t kRetrySeedStride = 0x9e3779b97f4a7c15ull;  // far from every item's own seeds

}  // namespace

bool first_shown_left(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t x = (seed ^ 0x5bd1e995ull) + 0x9e3779b97f4a7c15ull * (index + 1);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return (x & 1) == 0;
}

std::vector<CandidatePair> load_candidate_pairs(const std::filesystem::path& file, std::uint64_t seed) {
  const auto set = parse_preference_jsonl(read_file(file), file.string());
  std::vector<CandidatePair> pairs;
  for (const auto& p : set.pairs) {
    CandidatePair pair;
    pair.prompt = p.prompt;
    pair.first = p.chosen;
    pair.second = p.rejected;
    pair.first_shown_left = first_shown_left(seed, pairs.size());
    pair.generation = {{"source", file.string()}};
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

struct CandidateQueue::Policy {
  std::string run;
  RunLanguageModel loaded;
  std::shared_ptr<const ChatFormat> format;  // Cradle's markers, or a model folder's own template
  std::unique_ptr<TextGenerator> generator;
};

CandidateQueue::CandidateQueue(std::vector<ChatPrompt> prompts, const std::vector<std::filesystem::path>& runs,
                               SamplingOptions sampling, std::uint64_t seed, std::size_t depth,
                               std::function<bool(const std::vector<ChatMessage>&)> skip)
    : sampling_(sampling), seed_(seed), depth_(std::max<std::size_t>(1, depth)) {
  if (runs.empty() || runs.size() > 2)
    throw ConfigError("candidate pairs come from one policy (two samples) or two (one reply each), got " +
                      std::to_string(runs.size()) + " runs");
  check_sampling_options(sampling_);
  if (runs.size() == 1 && sampling_.temperature == 0)
    throw ConfigError(
        "two samples of one run at temperature 0 are the same reply: raise the temperature, or compare two runs");
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    if (skip && skip(prompts[i].messages)) continue;
    prompts_.push_back(std::move(prompts[i]));
    positions_.push_back(i);
  }
  for (const auto& run : runs) {
    auto policy = std::make_shared<Policy>();
    policy->run = run.string();
    // A downloaded instruct model answers in its own template before any tuning.
    const bool model_folder = is_hub_model_folder(run);
    policy->loaded = model_folder ? load_model_folder_language_model(run) : load_run_language_model(run);
    if (!model_folder && !is_chat_policy(policy->loaded.experiment))
      throw ConfigError(run.string() + ": a stage \"" + to_string(policy->loaded.experiment.stage) +
                        "\" run; the rating panel needs a chat model (an sft, ppo or dpo run, or a model folder)");
    const auto& experiment = policy->loaded.experiment;
    // A folder whose tokenizer has no chat template is refused here, naming it.
    policy->format = run_chat_format(experiment.model, policy->loaded.tokenizer);
    policy->generator = std::make_unique<TextGenerator>(model_text_generator(
        policy->loaded.model, policy->loaded.tokenizer, experiment.data.context_length, experiment.model));
    policies_.push_back(std::move(policy));
  }
  worker_ = std::thread([this] { work(); });
}

CandidateQueue::~CandidateQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  room_.notify_all();
  if (worker_.joinable()) worker_.join();
}

CandidatePair CandidateQueue::make_pair(std::size_t item) {
  CandidatePair pair;
  pair.prompt = prompts_[item].messages;
  const std::uint64_t index = positions_[item];
  std::string replies[2];
  Json runs = Json::array();
  const bool one_policy = policies_.size() == 1;
  const auto reply = [](std::string text) {
    if (!text.empty() && text.front() == ' ') text.erase(0, 1);  // the word boundary after the marker
    return text;
  };
  const auto options_for = [&](const Policy& policy, int side, int attempt) {
    SamplingOptions options = sampling_;
    options.end_ids = policy.format->end_ids();
    // Two samples of one policy differ by seed; two policies get the same one.
    options.seed = seed_ + 2 * index + static_cast<std::uint64_t>(one_policy ? side : 0) +
                   kRetrySeedStride * static_cast<std::uint64_t>(attempt);
    return options;
  };
  if (one_policy) {
    // Both samples in one batch (core/eval/batched_generation.h): each is what it would be alone.
    Policy& policy = *policies_[0];
    const auto ids = policy.format->prompt(pair.prompt);
    const auto both =
        policy.generator->generate_batch({ids, ids}, {options_for(policy, 0, 0), options_for(policy, 1, 0)});
    replies[0] = reply(both[0].text);
    replies[1] = reply(both[1].text);
    // A second sample equal to the first says nothing to compare, so it is drawn
    // again (a few times, seeds still fixed by the item) before it is shown as it is.
    for (int attempt = 1; attempt < kSampleAttempts && replies[1] == replies[0]; ++attempt)
      replies[1] = reply(policy.generator->generate_from(ids, options_for(policy, 1, attempt)).text);
    runs.push_back(policy.run);
    runs.push_back(policy.run);
  } else {
    for (int side = 0; side < 2; ++side) {
      Policy& policy = *policies_[static_cast<std::size_t>(side)];
      replies[side] =
          reply(policy.generator->generate_from(policy.format->prompt(pair.prompt), options_for(policy, side, 0)).text);
      runs.push_back(policy.run);
    }
  }
  pair.first = std::move(replies[0]);
  pair.second = std::move(replies[1]);
  pair.first_shown_left = first_shown_left(seed_, index);
  pair.generation = {{"runs", runs},
                     {"max_new_tokens", sampling_.max_new_tokens},
                     {"temperature", sampling_.temperature},
                     {"top_k", sampling_.top_k},
                     {"top_p", sampling_.top_p},
                     {"repetition_penalty", sampling_.repetition_penalty},
                     {"seed", seed_}};
  return pair;
}

void CandidateQueue::work() {
  try {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < prompts_.size(); ++i) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        room_.wait(lock, [&] { return stopping_ || queue_.size() < depth_; });
        if (stopping_) break;
      }
      CandidatePair pair = make_pair(i);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(std::move(pair));
      }
      ready_.notify_all();
    }
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = e.what();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  ready_.notify_all();
}

std::optional<CandidatePair> CandidateQueue::take_front(std::unique_lock<std::mutex>& lock) {
  if (queue_.empty()) return std::nullopt;
  CandidatePair pair = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  room_.notify_all();  // the worker may write the next one
  return pair;
}

std::optional<CandidatePair> CandidateQueue::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [&] { return done_ || !queue_.empty(); });
  return take_front(lock);
}

std::optional<CandidatePair> CandidateQueue::try_next(bool& finished) {
  std::unique_lock<std::mutex> lock(mutex_);
  finished = done_ && queue_.empty();
  return take_front(lock);
}

std::string CandidateQueue::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

}  // namespace cradle
