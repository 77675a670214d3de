#include "core/run/sample_snapshots.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

namespace cradle {
namespace {

constexpr std::int64_t kImages = 16, kPrompts = 3, kPromptTokens = 16, kNewTokens = 48;

// Generated text may hold broken UTF-8 (a byte-level token cut short): replaced, not fatal.
std::string line_of(const nlohmann::json& json) { return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

torch::Device device_of(torch::nn::Sequential& model) {
  const auto parameters = model->parameters();
  return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

// Evaluation mode for the snapshot, the caller's mode afterwards.
class EvalMode {
 public:
  explicit EvalMode(torch::nn::Sequential& model) : model_(model), training_(model->is_training()) { model_->eval(); }
  ~EvalMode() { model_->train(training_); }

 private:
  torch::nn::Sequential& model_;
  bool training_;
};

}  // namespace

SampleSnapshots::SampleSnapshots(torch::nn::Sequential model, const std::filesystem::path& file)
    : model_(std::move(model)), out_(file) {}

std::unique_ptr<SampleSnapshots> SampleSnapshots::for_images(torch::nn::Sequential model, const TensorDataset& validation,
                                                             std::vector<std::string> class_names, std::vector<double> mean,
                                                             std::vector<double> std, const std::filesystem::path& file) {
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

std::unique_ptr<SampleSnapshots> SampleSnapshots::for_language_model(torch::nn::Sequential model, const TensorDataset& validation,
                                                                     std::shared_ptr<const Tokenizer> tokenizer,
                                                                     std::int64_t context_length, std::uint64_t seed,
                                                                     const std::filesystem::path& file) {
  std::unique_ptr<SampleSnapshots> s(new SampleSnapshots(std::move(model), file));
  // Prompts from sequences spread over the split, so they differ.
  const std::int64_t n = validation.size();
  for (std::int64_t i = 0; i < std::min(kPrompts, n); ++i) {
    const auto row = validation.inputs[i * n / kPrompts].slice(0, 0, std::min(kPromptTokens, context_length)).contiguous();
    s->prompts_.emplace_back(row.data_ptr<std::int64_t>(), row.data_ptr<std::int64_t>() + row.numel());
  }
  s->tokenizer_ = std::move(tokenizer);
  s->context_length_ = context_length;
  s->seed_ = seed;
  return s;
}

void SampleSnapshots::on_evaluation(const EvaluationMetrics& m) {
  if (m.split != "validation") return;
  torch::NoGradGuard no_grad;
  const EvalMode eval(model_);
  if (images_) {
    if (!inputs_written_) write_inputs();
    write_predictions(m);
  } else if (!prompts_.empty()) {
    write_generations(m);
  }
}

void SampleSnapshots::write_inputs() {
  nlohmann::json items = nlohmann::json::array();
  const auto channels = inputs_.size(1);
  auto mean = torch::tensor(mean_.size() == 1 ? std::vector<double>(channels, mean_[0]) : mean_).view({1, -1, 1, 1});
  auto deviation = torch::tensor(std_.size() == 1 ? std::vector<double>(channels, std_[0]) : std_).view({1, -1, 1, 1});
  const auto pixels = (inputs_.to(torch::kFloat64) * deviation + mean).mul(255).round().clamp(0, 255).to(torch::kUInt8).contiguous();
  for (std::int64_t i = 0; i < pixels.size(0); ++i) {
    const auto image = pixels[i].contiguous();
    const auto* data = image.data_ptr<std::uint8_t>();
    const auto label = labels_[i].item<std::int64_t>();
    items.push_back({{"label", label < static_cast<std::int64_t>(class_names_.size()) ? class_names_[label] : std::to_string(label)},
                     {"pixels", std::vector<int>(data, data + image.numel())}});
  }
  out_.append(line_of(nlohmann::json{{"kind", "inputs"}, {"shape", inputs_.sizes().slice(1).vec()}, {"items", items}}));
  inputs_written_ = true;
}

void SampleSnapshots::write_predictions(const EvaluationMetrics& m) {
  const auto probabilities = torch::softmax(model_->forward(inputs_.to(device_of(model_))).to(torch::kFloat32), 1).cpu();
  const auto [best, index] = probabilities.max(1);
  nlohmann::json items = nlohmann::json::array();
  for (std::int64_t i = 0; i < best.size(0); ++i) {
    const auto predicted = index[i].item<std::int64_t>();
    items.push_back({{"predicted", predicted < static_cast<std::int64_t>(class_names_.size()) ? class_names_[predicted]
                                                                                              : std::to_string(predicted)},
                     {"probability", best[i].item<double>()}});
  }
  out_.append(line_of(nlohmann::json{{"kind", "predictions"}, {"step", m.step}, {"epoch", m.epoch}, {"items", items}}));
}

std::vector<std::int64_t> SampleSnapshots::generate(torch::nn::Sequential& model, std::vector<std::int64_t> ids,
                                                    std::int64_t new_tokens, std::int64_t context_length, std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  // Its own generator: the same draws at every snapshot, and training's random stream untouched.
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Device device = device_of(model);
  const std::size_t prompt = ids.size();
  for (std::int64_t t = 0; t < new_tokens; ++t) {
    const std::size_t start = ids.size() > static_cast<std::size_t>(context_length) ? ids.size() - context_length : 0;
    const auto context = torch::tensor(std::vector<std::int64_t>(ids.begin() + static_cast<std::ptrdiff_t>(start), ids.end()))
                             .view({1, -1})
                             .to(device);
    const auto logits = model->forward(context).select(1, -1).squeeze(0).to(torch::kFloat32).cpu() / 0.8;
    const auto top = logits.topk(std::min<std::int64_t>(40, logits.size(0)));
    const auto probabilities = torch::softmax(std::get<0>(top), 0);
    const auto choice = torch::multinomial(probabilities, 1, false, generator).item<std::int64_t>();
    ids.push_back(std::get<1>(top)[choice].item<std::int64_t>());
  }
  return std::vector<std::int64_t>(ids.begin() + static_cast<std::ptrdiff_t>(prompt), ids.end());
}

void SampleSnapshots::write_generations(const EvaluationMetrics& m) {
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < prompts_.size(); ++i) {
    const auto continuation = generate(model_, prompts_[i], kNewTokens, context_length_, seed_ + i);
    items.push_back({{"prompt", tokenizer_->decode(prompts_[i])}, {"text", tokenizer_->decode(continuation)}});
  }
  out_.append(line_of(nlohmann::json{{"kind", "generations"}, {"step", m.step}, {"epoch", m.epoch}, {"items", items}}));
}

}  // namespace cradle
