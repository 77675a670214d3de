#include "core/compress/distillation.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/train/cross_entropy.h"
#include "core/train/prediction_units.h"

namespace cradle {

torch::Tensor distillation_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits,
                                const torch::Tensor& targets, double alpha, double temperature,
                                double label_smoothing) {
  if (student_logits.sizes() != teacher_logits.sizes())
    throw ConfigError("distillation: the teacher predicts " + std::to_string(teacher_logits.size(-1)) +
                      " classes per row, the student " + std::to_string(student_logits.size(-1)) +
                      "; they must share the classes (or the tokenizer)");
  const auto student = student_logits.to(torch::kFloat32);
  const auto teacher = teacher_logits.to(torch::kFloat32).detach();
  const auto hard = softmax_cross_entropy(student, targets, label_smoothing);
  if (alpha == 0) return hard;
  const auto log_p_student = torch::log_softmax(student / temperature, 1);
  const auto log_p_teacher = torch::log_softmax(teacher / temperature, 1);
  // KL(teacher || student) per row, averaged over the rows.
  const auto kl = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).sum(1).mean();
  return alpha * temperature * temperature * kl + (1 - alpha) * hard;
}

Distiller::Distiller(torch::nn::Sequential teacher, double alpha, double temperature)
    : teacher_(std::move(teacher)), alpha_(alpha), temperature_(temperature) {
  teacher_->eval();
  for (auto& p : teacher_->parameters()) p.set_requires_grad(false);
}

torch::Tensor Distiller::loss(const torch::Tensor& inputs, const torch::Tensor& targets,
                              const torch::Tensor& student_flat_logits, const torch::Tensor& flat_targets,
                              double label_smoothing) const {
  torch::Tensor teacher_flat;
  {
    torch::NoGradGuard no_grad;
    const auto outputs = teacher_->forward(inputs);
    // Flattened with the batch's own targets, so the rows are the student's rows.
    teacher_flat = flatten_predictions(outputs, targets).first;
  }
  // A Hugging Face model's embedding may have rows past its tokenizer's last id (Qwen2's 151,936 for 151,665
  // tokens): no text is ever those ids, so the teacher's distribution is taken over the student's ids.
  const std::int64_t student_width = student_flat_logits.size(-1), teacher_width = teacher_flat.size(-1);
  if (teacher_width > student_width) teacher_flat = teacher_flat.narrow(-1, 0, student_width);
  if (teacher_width < student_width)
    throw ConfigError("distillation: the teacher predicts " + std::to_string(teacher_width) +
                      " classes, fewer than the student's " + std::to_string(student_width));
  return distillation_loss(student_flat_logits, teacher_flat, flat_targets, alpha_, temperature_, label_smoothing);
}

}  // namespace cradle
