#include "core/align/ppo_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <thread>

#include "core/align/ppo_math.h"
#include "core/common/error.h"
#include "core/data/seeded_order.h"
#include "core/data/tensor_dataset.h"
#include "core/eval/batched_generation.h"
#include "core/eval/text_generation.h"
#include "core/models/lora.h"
#include "core/train/optimizer_factory.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// A distinct, reproducible seed for each rollout: the run's, the iteration's and the prompt's.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  std::uint64_t x = seed ^ (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full);
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ull;
  return x ^ (x >> 29);
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (const double v : values) sum += v;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

// Picks, for each response token, the row of `per_position` [B, L, ...] at its position [B, R].
torch::Tensor at_positions(const torch::Tensor& per_position, const torch::Tensor& positions) {
  if (per_position.dim() == 2) return per_position.gather(1, positions);
  auto index = positions.unsqueeze(2).expand({positions.size(0), positions.size(1), per_position.size(2)});
  return per_position.gather(1, index);
}

}  // namespace

PpoTrainer::PpoTrainer(const Experiment& experiment, PolicyValueModel policy, torch::nn::Sequential reference,
                       ResponseScorer& scorer, const PromptData& prompts, PpoSetup setup)
    : experiment_(experiment),
      policy_(std::move(policy)),
      reference_(std::move(reference)),
      scorer_(scorer),
      prompts_(prompts),
      setup_(std::move(setup)),
      kl_(experiment.align.kl_control == "adaptive", experiment.align.kl_coef, experiment.align.kl_target,
          experiment.align.kl_horizon),
      epoch_checkpoints_(experiment.train.keep_checkpoints, setup_.checkpoint_dir) {
  policy_->to(setup_.device);
  // No dropout anywhere: a rollout's log-probabilities must be what the update recomputes.
  policy_->eval();
  if (reference_) {
    reference_->to(setup_.device);
    reference_->eval();
    for (auto& p : reference_->parameters()) p.set_requires_grad(false);
  }
  // What trains: every weight and the value head, or with LoRA the adapters and the value head.
  std::vector<torch::Tensor> trained;
  for (const auto& p : policy_->parameters())
    if (p.requires_grad()) trained.push_back(p);
  optimizer_ = make_optimizer(experiment_.train, trained);
  if (!setup_.samples_file.empty() && experiment_.align.logged_samples > 0)
    samples_ = std::make_unique<LineAppender>(setup_.samples_file);
}

double PpoTrainer::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

TrainingOutcome PpoTrainer::run() {
  started_ = std::chrono::steady_clock::now();
  try {
    return train_iterations();
  } catch (const c10::Error& error) {
    const std::string message =
        "LibTorch error during PPO: " + std::string(error.what_without_backtrace()).substr(0, 300);
    for (auto* observer : observers_) observer->on_failed(message);
    throw Error(message);
  } catch (const std::exception& error) {
    for (auto* observer : observers_) observer->on_failed(error.what());
    throw;
  }
}

Rollouts PpoTrainer::roll_out(const std::vector<const ChatPrompt*>& prompts, std::uint64_t seed) {
  const auto& align = experiment_.align;
  const std::int64_t context = experiment_.data.context_length;
  const auto& tokenizer = *prompts_.tokenizer;
  SamplingOptions options;
  options.max_new_tokens = align.max_new_tokens;
  options.temperature = align.temperature;
  options.top_k = align.top_k;
  options.top_p = align.top_p;
  options.end_ids = prompts_.format->end_ids();
  Rollouts r;
  r.prompts = prompts;
  std::vector<std::vector<std::int64_t>> prompt_ids;
  std::vector<GenerationJob> jobs;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    auto ids = prompts_.format->prompt(prompts[i]->messages);
    // Room for the longest response inside the context: the prompt keeps its end.
    const auto room = context - align.max_new_tokens;
    if (static_cast<std::int64_t>(ids.size()) > room) ids.erase(ids.begin(), ids.end() - room);
    options.seed = mix_seed(seed, i, 0);
    jobs.push_back({ids, options, options.end_ids, {}});
    prompt_ids.push_back(std::move(ids));
  }
  // Every rollout of the batch generated together (core/eval/batched_generation.h): each gets the tokens it
  // would get alone, in a fraction of the time.
  const auto decoder = make_sequence_decoder(policy_->language_model, context, options.use_cache);
  const auto together = align.generation_batch > 0 ? static_cast<std::size_t>(align.generation_batch) : jobs.size();
  const auto responses = generate_batch(*decoder, std::move(jobs), together);
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const auto& response = responses[i];
    r.ended.push_back(!response.empty() && std::find(options.end_ids.begin(), options.end_ids.end(), response.back()) !=
                                               options.end_ids.end());
    std::string text = continuation_text(tokenizer, prompt_ids[i], response);
    if (!text.empty() && text.front() == ' ') text.erase(0, 1);  // the word boundary after the marker
    r.texts.push_back(std::move(text));
  }
  std::vector<std::vector<ChatMessage>> conversations;
  for (const auto* prompt : prompts) conversations.push_back(prompt->messages);
  r.scores = scorer_.score(conversations, r.texts);

  const auto B = static_cast<std::int64_t>(prompts.size());
  std::int64_t L = 1, R = 1;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    L = std::max<std::int64_t>(L, static_cast<std::int64_t>(prompt_ids[i].size() + responses[i].size()));
    R = std::max<std::int64_t>(R, static_cast<std::int64_t>(responses[i].size()));
  }
  r.tokens = torch::full({B, L}, kPadId, torch::kInt64);
  r.positions = torch::zeros({B, R}, torch::kInt64);
  r.response = torch::full({B, R}, kPadId, torch::kInt64);
  r.mask = torch::zeros({B, R}, torch::kFloat32);
  auto tokens = r.tokens.accessor<std::int64_t, 2>();
  auto positions = r.positions.accessor<std::int64_t, 2>();
  auto response = r.response.accessor<std::int64_t, 2>();
  auto mask = r.mask.accessor<float, 2>();
  for (std::int64_t b = 0; b < B; ++b) {
    const auto& p = prompt_ids[static_cast<std::size_t>(b)];
    const auto& g = responses[static_cast<std::size_t>(b)];
    const auto P = static_cast<std::int64_t>(p.size());
    for (std::int64_t t = 0; t < P; ++t) tokens[b][t] = p[static_cast<std::size_t>(t)];
    for (std::int64_t j = 0; j < static_cast<std::int64_t>(g.size()); ++j) {
      tokens[b][P + j] = response[b][j] = g[static_cast<std::size_t>(j)];
      positions[b][j] = P - 1 + j;  // the logits there predict response token j
      mask[b][j] = 1;
    }
  }
  r.tokens = r.tokens.to(setup_.device);
  r.positions = r.positions.to(setup_.device);
  r.response = r.response.to(setup_.device);
  r.mask = r.mask.to(setup_.device);
  return r;
}

PpoTrainer::ResponseView PpoTrainer::policy_view(const torch::Tensor& tokens, const torch::Tensor& positions,
                                                 const torch::Tensor& response) {
  const auto out = policy_->forward(tokens);
  const auto logits = at_positions(out.logits.to(torch::kFloat32), positions) / experiment_.align.temperature;
  ResponseView view;
  view.logprobs = torch::log_softmax(logits, -1).gather(2, response.unsqueeze(2)).squeeze(2);
  view.values = at_positions(out.values, positions);
  view.entropy = entropy_from_logits(logits);
  return view;
}

torch::Tensor PpoTrainer::reference_logprobs(const Rollouts& r) {
  torch::NoGradGuard no_grad;
  torch::Tensor all_logits;
  if (reference_) {
    all_logits = reference_->forward(r.tokens);
  } else {  // LoRA: the policy's base, its adapters switched off (dropout is off throughout)
    const AdaptersSwitchedOff base_only(*policy_->language_model);
    all_logits = policy_->language_model->forward(r.tokens);
  }
  const auto logits = at_positions(all_logits.to(torch::kFloat32), r.positions) / experiment_.align.temperature;
  return torch::log_softmax(logits, -1).gather(2, r.response.unsqueeze(2)).squeeze(2);
}

PpoTrainer::Targets PpoTrainer::targets(const Rollouts& r, const ResponseView& old, const torch::Tensor& reference,
                                        double beta) const {
  const auto& align = experiment_.align;
  const auto& mask = r.mask;
  Targets t;
  t.kl_tokens = (old.logprobs - reference) * mask;
  auto rewards = -beta * t.kl_tokens;
  std::vector<double> penalised(r.scores);
  for (std::size_t b = 0; b < penalised.size(); ++b)
    if (!r.ended[b]) penalised[b] -= align.missing_end_penalty;
  const auto lengths = mask.sum(1).to(torch::kInt64);
  const auto score_tensor = torch::tensor(penalised, torch::kFloat32).to(setup_.device);
  rewards.scatter_add_(1, (lengths - 1).clamp_min(0).unsqueeze(1), score_tensor.unsqueeze(1));
  const Advantages estimate = generalized_advantages(rewards, old.values, mask, align.gamma, align.lambda);
  t.advantages = estimate.advantages;
  t.returns = estimate.returns;
  if (align.whiten_advantages) t.advantages = masked_whiten(t.advantages, mask);
  return t;
}

void PpoTrainer::update_minibatch(const Rollouts& r, const ResponseView& old, const Targets& t,
                                  const torch::Tensor& rows, std::int64_t step, UpdateSums& sums) {
  const auto& align = experiment_.align;
  const double clip =
      experiment_.train.clip_grad_norm > 0 ? experiment_.train.clip_grad_norm : std::numeric_limits<double>::infinity();
  const auto m = r.mask.index_select(0, rows);
  const auto view =
      policy_view(r.tokens.index_select(0, rows), r.positions.index_select(0, rows), r.response.index_select(0, rows));
  const auto pl = clipped_policy_loss(view.logprobs, old.logprobs.index_select(0, rows),
                                      t.advantages.index_select(0, rows), m, align.clip_range);
  const auto vl = clipped_value_loss(view.values, old.values.index_select(0, rows), t.returns.index_select(0, rows), m,
                                     align.value_clip_range);
  const auto loss = pl.loss + align.value_loss_coef * vl;
  clear_gradients(*optimizer_);
  loss.backward();
  const double norm = torch::nn::utils::clip_grad_norm_(policy_->parameters(), clip);
  const double loss_value = loss.item<double>();
  if (!std::isfinite(loss_value) || !std::isfinite(norm))
    throw Error(
        "PPO diverged at iteration " + std::to_string(step) + ": the " +
        (std::isfinite(loss_value) ? "gradient norm" : "loss") +
        " is not finite; checkpoints saved before it are untouched. Lower train.lr or set train.clip_grad_norm");
  optimizer_->step();
  sums.policy_loss += pl.loss.item<double>();
  sums.value_loss += vl.item<double>();
  sums.total_loss += loss_value;
  sums.clip_fraction += pl.clip_fraction.item<double>();
  sums.approx_kl += pl.approx_kl.item<double>();
  sums.entropy += masked_mean(view.entropy.detach(), m).item<double>();
  ++sums.updates;
}

StepMetrics PpoTrainer::optimise(const Rollouts& r, std::int64_t step, std::int64_t epoch) {
  const auto& align = experiment_.align;
  const auto B = r.tokens.size(0);
  ResponseView old;
  torch::Tensor reference;
  {
    torch::NoGradGuard no_grad;
    old = policy_view(r.tokens, r.positions, r.response);
    reference = reference_logprobs(r);
  }
  const double beta = kl_.coefficient();
  const Targets t = targets(r, old, reference, beta);
  UpdateSums sums;
  set_learning_rate(*optimizer_, schedule_->at(step - 1));
  for (std::int64_t pass = 0; pass < align.ppo_epochs; ++pass) {
    const auto order = seeded_permutation(B, mix_seed(experiment_.seed, static_cast<std::uint64_t>(step), 1000 + pass));
    for (std::int64_t begin = 0; begin < B; begin += align.minibatch_size) {
      const auto end = std::min(B, begin + align.minibatch_size);
      const auto rows =
          torch::tensor(std::vector<std::int64_t>(order.begin() + begin, order.begin() + end)).to(setup_.device);
      update_minibatch(r, old, t, rows, step, sums);
    }
  }
  const double n = static_cast<double>(std::max<std::int64_t>(1, sums.updates));
  const double kl = t.kl_tokens.sum(1).mean().item<double>();  // nats per response
  double ended = 0;
  for (const bool e : r.ended) ended += e ? 1 : 0;
  StepMetrics m;
  m.step = step;
  m.epoch = epoch;
  m.loss = sums.total_loss / n;
  m.accuracy = ended / static_cast<double>(B);  // PPO: the share of responses that ended their turn
  m.lr = current_learning_rate(*optimizer_);
  m.extra = {{"score", mean_of(r.scores)},
             {"kl", kl},
             {"kl_coef", beta},
             {"entropy", sums.entropy / n},
             {"clip_fraction", sums.clip_fraction / n},
             {"approx_kl", sums.approx_kl / n},
             {"policy_loss", sums.policy_loss / n},
             {"value_loss", sums.value_loss / n},
             {"explained_variance", explained_variance(old.values, t.returns, r.mask)},
             {"response_length", r.mask.sum(1).mean().item<double>()}};
  kl_.update(kl, B);
  return m;
}

EvaluationMetrics PpoTrainer::evaluate(const std::string& split, const std::vector<ChatPrompt>& prompts,
                                       std::int64_t step, std::int64_t epoch) {
  EvaluationMetrics m;
  m.split = split;
  m.step = step;
  m.epoch = epoch;
  std::vector<double> scores, kls, lengths;
  double ended = 0;
  const auto batch = std::max<std::int64_t>(1, experiment_.eval.batch_size);
  for (std::size_t begin = 0; begin < prompts.size(); begin += static_cast<std::size_t>(batch)) {
    std::vector<const ChatPrompt*> chunk;
    for (std::size_t i = begin; i < std::min(prompts.size(), begin + static_cast<std::size_t>(batch)); ++i)
      chunk.push_back(&prompts[i]);
    // The same seeds at every evaluation, so only the policy changes between them.
    const auto r = roll_out(chunk, mix_seed(experiment_.seed ^ 0xe7a1ull, begin, 0));
    torch::NoGradGuard no_grad;
    const auto logprobs = policy_view(r.tokens, r.positions, r.response).logprobs;
    const auto kl = ((logprobs - reference_logprobs(r)) * r.mask).sum(1).to(torch::kFloat64).cpu();
    const auto length = r.mask.sum(1).to(torch::kFloat64).cpu();
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      scores.push_back(r.scores[i]);
      kls.push_back(kl[static_cast<std::int64_t>(i)].item<double>());
      lengths.push_back(length[static_cast<std::int64_t>(i)].item<double>());
      ended += r.ended[i] ? 1 : 0;
    }
  }
  m.samples = static_cast<std::int64_t>(scores.size());
  // The loss a dashboard plots falls as the policy improves: the negative mean score.
  m.loss = -mean_of(scores);
  m.accuracy = m.samples > 0 ? ended / static_cast<double>(m.samples) : 0;
  m.extra = {{"score", mean_of(scores)}, {"kl", mean_of(kls)}, {"response_length", mean_of(lengths)}};
  m.wall_seconds = elapsed_seconds();
  notify(&TrainingObserver::on_evaluation, m);
  return m;
}

void PpoTrainer::log_samples(const Rollouts& r, std::int64_t step, std::int64_t epoch) {
  if (!samples_) return;
  Json items = Json::array();
  for (std::size_t i = 0; i < r.texts.size() && static_cast<std::int64_t>(i) < experiment_.align.logged_samples; ++i)
    items.push_back({{"prompt", r.prompts[i]->messages.back().content},
                     {"text", r.texts[i]},
                     {"score", r.scores[i]},
                     {"ended_turn", static_cast<bool>(r.ended[i])}});
  samples_->append(Json{{"kind", "generations"}, {"step", step}, {"epoch", epoch}, {"items", items}}.dump());
}

void PpoTrainer::checkpoint(std::int64_t step, std::int64_t epoch, const std::string& file_name) {
  if (setup_.checkpoint_dir.empty()) return;
  const fs::path path = setup_.checkpoint_dir / file_name;
  LoopState loop;
  loop.kl_coefficient = kl_.coefficient();
  save_checkpoint(path, *policy_, *optimizer_, {epoch, step}, &loop);
  if (EpochCheckpoints::is_epoch_checkpoint(file_name)) epoch_checkpoints_.added(path);
  notify(&TrainingObserver::on_checkpoint, CheckpointSaved{path, step, epoch});
}

CheckpointPosition PpoTrainer::resume() {
  LoopState loop;
  const auto position = load_checkpoint(setup_.resume_from, *policy_, optimizer_.get(), &loop);
  if (!loop.kl_coefficient)
    throw DataError(setup_.resume_from.string() + ": has no KL coefficient; it is not a PPO checkpoint");
  kl_.restore(*loop.kl_coefficient);
  return position;
}

TrainingOutcome PpoTrainer::finish(TrainingStatus status, std::int64_t steps, std::int64_t epochs,
                                   std::vector<double> throughputs) {
  TrainingOutcome outcome;
  outcome.status = status;
  outcome.steps = steps;
  outcome.epochs_completed = epochs;
  outcome.wall_seconds = elapsed_seconds();
  outcome.median_samples_per_second = median_throughput(std::move(throughputs));
  notify(&TrainingObserver::on_finished, outcome);
  return outcome;
}

TrainingOutcome PpoTrainer::train_iterations() {
  const auto& spec = experiment_.train;
  const auto n = static_cast<std::int64_t>(prompts_.train.size());
  // A step is an iteration: one full rollout batch. A last, smaller batch is
  // left out (as TRL's data loader does): a handful of rollouts gives the
  // advantage whitening and the KL estimate nothing to stand on.
  TrainingPlan plan = plan_training(spec, n);
  plan.steps_per_epoch = std::max<std::int64_t>(1, n / spec.batch_size);
  plan.total_steps = plan.steps_per_epoch * spec.epochs;
  schedule_ = std::make_unique<LearningRateSchedule>(spec.schedule, spec.lr, plan.total_steps, plan.steps_per_epoch);
  const CheckpointPosition resumed = setup_.resume_from.empty() ? CheckpointPosition{} : resume();
  const std::int64_t done_in_epoch = resumed.step - resumed.epoch * plan.steps_per_epoch;
  if (done_in_epoch < 0 || done_in_epoch >= std::max<std::int64_t>(1, plan.steps_per_epoch))
    throw DataError(setup_.resume_from.string() + ": its iteration " + std::to_string(resumed.step) +
                    " does not fit this plan; was train.batch_size or the data changed?");
  plan.start_step = resumed.step;
  notify(&TrainingObserver::on_started, plan);
  if (setup_.resume_from.empty() && !prompts_.validation.empty())
    evaluate("validation", prompts_.validation, 0, 0);  // the policy PPO starts from

  std::vector<double> throughputs;
  std::int64_t step = resumed.step, epochs_run = resumed.epoch;
  for (std::int64_t epoch = resumed.epoch + 1; epoch <= spec.epochs; ++epoch) {
    auto batches = index_batches(seeded_permutation(n, epoch_seed(experiment_.seed, epoch)), spec.batch_size);
    batches.resize(static_cast<std::size_t>(
        std::min<std::int64_t>(plan.steps_per_epoch, static_cast<std::int64_t>(batches.size()))));
    if (epoch == resumed.epoch + 1 && done_in_epoch > 0)
      batches.erase(batches.begin(), batches.begin() + done_in_epoch);
    for (const auto& batch : batches) {
      if (setup_.control) {
        if (setup_.control->take_checkpoint_request()) checkpoint(step, epoch - 1, "saved.pt");
        if (setup_.control->paused()) {
          notify(&TrainingObserver::on_paused, step);
          const auto paused_at = std::chrono::steady_clock::now();
          while (setup_.control->paused() && !(setup_.stop && setup_.stop->requested()))
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          notify(&TrainingObserver::on_resumed, step,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - paused_at).count());
        }
      }
      if (setup_.stop && setup_.stop->requested()) {
        checkpoint(step, epoch - 1, "stopped.pt");
        return finish(TrainingStatus::Stopped, step, epoch - 1, throughputs);
      }
      const auto iteration_start = std::chrono::steady_clock::now();
      std::vector<const ChatPrompt*> chosen;
      const auto indices = batch.contiguous();
      for (std::int64_t i = 0; i < indices.numel(); ++i)
        chosen.push_back(&prompts_.train[static_cast<std::size_t>(indices[i].item<std::int64_t>())]);
      ++step;
      const auto rollouts = roll_out(chosen, mix_seed(experiment_.seed, static_cast<std::uint64_t>(step), 7));
      const double rollout_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - iteration_start).count();
      StepMetrics m = optimise(rollouts, step, epoch);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - iteration_start).count();
      m.samples_per_second = seconds > 0 ? static_cast<double>(chosen.size()) / seconds : 0;
      m.data_wait_seconds = rollout_seconds;  // generating the rollouts
      m.wall_seconds = elapsed_seconds();
      throughputs.push_back(m.samples_per_second);
      log_samples(rollouts, step, epoch);
      notify(&TrainingObserver::on_step, m);
    }
    epochs_run = epoch;
    if (!prompts_.validation.empty()) evaluate("validation", prompts_.validation, step, epoch);
    if (spec.keep_checkpoints > 0) {
      checkpoint(step, epoch, EpochCheckpoints::file_name(epoch));
    }
  }
  evaluate("test", prompts_.test, step, epochs_run);
  return finish(TrainingStatus::Completed, step, epochs_run, throughputs);
}

}  // namespace cradle
