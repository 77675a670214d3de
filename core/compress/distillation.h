#pragma once
// Knowledge distillation (issue 10): a student learns from a frozen teacher's
// softened class (or next-token) probabilities as well as from the labels
// (Hinton, Vinyals & Dean 2015):
//   alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T)) + (1 - alpha) * CE(z_s, labels)
// T^2 keeps the soft term's gradients on the scale of the hard term's as T grows.
#include <torch/nn.h>

namespace cradle {

// Logits [N, C] of the student and the teacher for the same N predictions,
// and their labels [N]; the KL term is averaged over the N predictions.
torch::Tensor distillation_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits,
                                const torch::Tensor& targets, double alpha, double temperature,
                                double label_smoothing = 0);

class Distiller {
 public:
  // `teacher` is put in evaluation mode and never trained.
  Distiller(torch::nn::Sequential teacher, double alpha, double temperature);

  // The loss for a training batch (`inputs`, `targets` as the loader gives
  // them): the teacher reads the same inputs without gradients, and its logits
  // are flattened like the student's (language models: one row per predicted
  // position), to compare with `student_flat_logits` and `flat_targets`.
  torch::Tensor loss(const torch::Tensor& inputs, const torch::Tensor& targets,
                     const torch::Tensor& student_flat_logits, const torch::Tensor& flat_targets,
                     double label_smoothing) const;

 private:
  mutable torch::nn::Sequential teacher_;  // forward() is not const in LibTorch; the teacher is never changed
  double alpha_, temperature_;
};

}  // namespace cradle
