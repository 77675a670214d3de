#include "core/run/sample_snapshots.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "core/eval/image_thumbnails.h"
#include "core/eval/text_generation.h"
#include "core/models/evaluation_mode.h"

namespace cradle {
namespace {

constexpr std::int64_t kImages = 16, kPrompts = 3, kPromptTokens = 16, kNewTokens = 48;

// Generated text may hold broken UTF-8 (a byte-level token cut short): replaced, not fatal.
std::string line_of(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

SampleSnapshots::SampleSnapshots(torch::nn::Sequential model, const std::filesystem::path& file)
    : model_(std::move(model)), out_(file) {}

std::unique_ptr<SampleSnapshots> SampleSnapshots::for_images(torch::nn::Sequential model,
                                                             const TensorDataset& validation,
                                                             std::vector<std::string> class_names,
                                                             std::vector<double> mean, std::vector<double> std,
                                                             const std::filesystem::path& file) {
  std::unique_ptr<SampleSnapshots> s(new SampleSnapshots(std::move(model), file));
  const std::int64_t n = std::min<std::int64_t>(kImages, validation.size());
  s->images_ = true;
  s->inputs_ = validation.inputs.slice(0, 0, n).clone();
  s->labels_ = validation.targets.slice(0, 0, n).clone();
  s->class_names_ = std::move(class_names);
  s->mean_ = std::move(mean);
  s->std_ = std::move(std);
  return s;
}

std::unique_ptr<SampleSnapshots> SampleSnapshots::for_language_model(torch::nn::Sequential model,
                                                                     const TensorDataset& validation,
                                                                     std::shared_ptr<const Tokenizer> tokenizer,
                                                                     std::int64_t context_length, std::uint64_t seed,
                                                                     const std::filesystem::path& file) {
  std::unique_ptr<SampleSnapshots> s(new SampleSnapshots(std::move(model), file));
  // Prompts from sequences spread over the split, so they differ.
  const std::int64_t n = validation.size();
  for (std::int64_t i = 0; i < std::min(kPrompts, n); ++i) {
    const std::int64_t at = i * n / kPrompts;
    const auto row =
        validation.slice(at, at + 1).inputs[0].slice(0, 0, std::min(kPromptTokens, context_length)).contiguous();
    s->prompts_.emplace_back(row.data_ptr<std::int64_t>(), row.data_ptr<std::int64_t>() + row.numel());
  }
  s->tokenizer_ = std::move(tokenizer);
  s->context_length_ = context_length;
  s->seed_ = seed;
  return s;
}

std::unique_ptr<SampleSnapshots> SampleSnapshots::for_chat(torch::nn::Sequential model,
                                                           std::vector<std::vector<std::int64_t>> prompts,
                                                           std::shared_ptr<const Tokenizer> tokenizer,
                                                           std::vector<std::int64_t> end_ids,
                                                           std::int64_t context_length, std::uint64_t seed,
                                                           const std::filesystem::path& file) {
  std::unique_ptr<SampleSnapshots> s(new SampleSnapshots(std::move(model), file));
  s->prompts_ = std::move(prompts);
  s->tokenizer_ = std::move(tokenizer);
  s->context_length_ = context_length;
  s->seed_ = seed;
  s->end_ids_ = std::move(end_ids);
  return s;
}

void SampleSnapshots::on_evaluation(const EvaluationMetrics& m) {
  if (m.split != "validation") return;
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(*model_);
  if (images_) {
    if (!inputs_written_) write_inputs();
    write_predictions(m);
  } else if (!prompts_.empty()) {
    write_generations(m);
  }
}

void SampleSnapshots::write_inputs() {
  nlohmann::json items = nlohmann::json::array();
  const auto pixels = denormalized_pixels(inputs_, mean_, std_);
  for (std::int64_t i = 0; i < pixels.size(0); ++i) {
    const auto image = pixels[i].contiguous();
    const auto* data = image.data_ptr<std::uint8_t>();
    const auto label = labels_[i].item<std::int64_t>();
    items.push_back({{"label", label < static_cast<std::int64_t>(class_names_.size()) ? class_names_[label]
                                                                                      : std::to_string(label)},
                     {"pixels", std::vector<int>(data, data + image.numel())}});
  }
  out_.append(line_of(nlohmann::json{{"kind", "inputs"}, {"shape", inputs_.sizes().slice(1).vec()}, {"items", items}}));
  inputs_written_ = true;
}

void SampleSnapshots::write_predictions(const EvaluationMetrics& m) {
  const auto probabilities =
      torch::softmax(model_->forward(inputs_.to(model_device(*model_))).to(torch::kFloat32), 1).cpu();
  const auto [best, index] = probabilities.max(1);
  nlohmann::json items = nlohmann::json::array();
  for (std::int64_t i = 0; i < best.size(0); ++i) {
    const auto predicted = index[i].item<std::int64_t>();
    items.push_back(
        {{"predicted", predicted < static_cast<std::int64_t>(class_names_.size()) ? class_names_[predicted]
                                                                                  : std::to_string(predicted)},
         {"probability", best[i].item<double>()}});
  }
  out_.append(line_of(nlohmann::json{{"kind", "predictions"}, {"step", m.step}, {"epoch", m.epoch}, {"items", items}}));
}

void SampleSnapshots::write_generations(const EvaluationMetrics& m) {
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < prompts_.size(); ++i) {
    SamplingOptions options;
    options.max_new_tokens = kNewTokens;
    options.temperature = 0.8;
    options.top_k = 40;
    options.seed = seed_ + i;
    options.stop_at_end_of_text = !end_ids_.empty();
    options.end_ids = end_ids_;
    const auto continuation = generate_tokens(model_, prompts_[i], context_length_, options);
    items.push_back({{"prompt", tokenizer_->decode(prompts_[i])},
                     {"text", continuation_text(*tokenizer_, prompts_[i], continuation)}});
  }
  out_.append(line_of(nlohmann::json{{"kind", "generations"}, {"step", m.step}, {"epoch", m.epoch}, {"items", items}}));
}

}  // namespace cradle
