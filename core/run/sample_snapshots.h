#pragma once
// What the model makes of a few fixed validation samples, at every
// validation during training, appended to the run folder's samples.jsonl:
// for image classifiers the predicted class and its probability for 16 fixed
// images (their pixels written once, first), for language models text
// sampled from 3 fixed prompts (seeded, so only the model changes). The
// studio's dashboard shows them live; the file shows later how they improved.
//   {"kind":"inputs","shape":[C,H,W],"items":[{"label":"Coat","pixels":[...]}]}
//   {"kind":"predictions","step":..,"epoch":..,"items":[{"predicted":"Shirt","probability":0.61}]}
//   {"kind":"generations","step":..,"epoch":..,"items":[{"prompt":"...","text":"..."}]}
#include <torch/nn.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/common/file_io.h"
#include "core/data/tensor_dataset.h"
#include "core/text/tokenizer.h"
#include "core/train/events.h"

namespace cradle {

class SampleSnapshots : public TrainingObserver {
 public:
  // Images: `validation` holds normalised [N, C, H, W] inputs, shown
  // de-normalised with `mean` and `std` (one value or one per channel).
  static std::unique_ptr<SampleSnapshots> for_images(torch::nn::Sequential model, const TensorDataset& validation,
                                                     std::vector<std::string> class_names, std::vector<double> mean,
                                                     std::vector<double> std, const std::filesystem::path& file);
  // Language models: prompts are the first tokens of validation sequences.
  static std::unique_ptr<SampleSnapshots> for_language_model(torch::nn::Sequential model,
                                                             const TensorDataset& validation,
                                                             std::shared_ptr<const Tokenizer> tokenizer,
                                                             std::int64_t context_length, std::uint64_t seed,
                                                             const std::filesystem::path& file);

  // Fine-tuned chat models: the replies to fixed conversations (each rendered
  // up to the assistant's turn), ending at one of `end_ids` (the end of turn).
  static std::unique_ptr<SampleSnapshots> for_chat(torch::nn::Sequential model,
                                                   std::vector<std::vector<std::int64_t>> prompts,
                                                   std::shared_ptr<const Tokenizer> tokenizer,
                                                   std::vector<std::int64_t> end_ids, std::int64_t context_length,
                                                   std::uint64_t seed, const std::filesystem::path& file);

  void on_evaluation(const EvaluationMetrics& m) override;  // validation only

 private:
  SampleSnapshots(torch::nn::Sequential model, const std::filesystem::path& file);
  void write_inputs();
  void write_predictions(const EvaluationMetrics& m);
  void write_generations(const EvaluationMetrics& m);

  torch::nn::Sequential model_;
  LineAppender out_;
  bool images_ = false;
  torch::Tensor inputs_, labels_;  // images: the fixed samples
  std::vector<std::string> class_names_;
  std::vector<double> mean_, std_;
  bool inputs_written_ = false;
  std::vector<std::vector<std::int64_t>> prompts_;  // language models
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::int64_t context_length_ = 0;
  std::uint64_t seed_ = 0;
  std::vector<std::int64_t> end_ids_;  // chat: what ends a reply; none for pretraining prompts (they stand mid-text)
};

}  // namespace cradle
