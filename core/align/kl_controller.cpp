#include "core/align/kl_controller.h"

#include <algorithm>

namespace cradle {

KlController::KlController(bool adaptive, double initial, double target, double horizon)
    : adaptive_(adaptive), coefficient_(initial), target_(target), horizon_(horizon) {}

void KlController::update(double kl, std::int64_t samples) {
  if (!adaptive_) return;
  const double error = std::clamp(kl / target_ - 1.0, -0.2, 0.2);
  coefficient_ *= 1.0 + error * static_cast<double>(samples) / horizon_;
}

}  // namespace cradle
