#pragma once
// The coefficient of PPO's per-token KL penalty, beta * (log pi - log pi_ref).
// Fixed, or adaptive as in Ziegler et al. 2019 and TRL's classic PPO trainer:
// after each rollout batch of n samples whose mean KL to the reference (summed
// over a response, in nats) was `kl`, beta is multiplied by
//   1 + clamp(kl / target - 1, -0.2, 0.2) * n / horizon,
// so it grows while the policy drifts past the target and shrinks below it.
// No LibTorch.
#include <cstdint>

namespace cradle {

class KlController {
 public:
  KlController(bool adaptive, double initial, double target, double horizon);

  double coefficient() const { return coefficient_; }
  void update(double kl, std::int64_t samples);
  void restore(double coefficient) { coefficient_ = coefficient; }

 private:
  bool adaptive_;
  double coefficient_, target_, horizon_;
};

}  // namespace cradle
