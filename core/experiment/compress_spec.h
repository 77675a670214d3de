#pragma once
// The experiment file's `compress` section: how a compression stage changes
// the run it starts from (init_from). Stage "prune":
//   method   "magnitude": the weights of smallest magnitude set to zero and
//            held there (a mask re-applied after every optimizer step);
//            "channels": whole convolution channels and hidden neurons removed
//            (smallest L1 norm) and the model rebuilt narrower, once, before
//            fine-tuning (mlp and cnn models; scope "layer", cycles 1)
//   scope    "global": one threshold over every linear and convolution weight;
//            "layer": each such layer loses the same share
//   sparsity the share of those weights (channels, neurons) removed at the end, in (0, 1)
//   cycles   prune -> fine-tune cycles: pruning happens at the start of the
//            first `cycles` epochs, towards `sparsity` on the polynomial
//            schedule of Zhu & Gupta (2017), s_k = s (1 - (1 - k/cycles)^3);
//            the remaining epochs (train.epochs - cycles) fine-tune at `sparsity`
// Stage "distill" (a student, the experiment's own model, learns from a teacher run):
//   teacher      the teacher run's folder (same task and data; its weights are frozen)
//   alpha        the share of the distillation term in the loss
//                alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T)) + (1 - alpha) * CE(labels)
//   temperature  T, which softens both distributions (Hinton et al. 2015)
#include <cstdint>
#include <string>

#include "core/experiment/json_object_reader.h"
#include "core/experiment/stage.h"

namespace cradle {

struct CompressSpec {
  std::string method = "magnitude";
  std::string scope = "global";
  double sparsity = 0.8;
  std::int64_t cycles = 3;
  std::string teacher;
  double alpha = 0.5;
  double temperature = 2.0;
};

// ConfigError naming compress.<field>.
CompressSpec parse_compress_spec(JsonObjectReader r, Stage stage);
Json compress_spec_to_json(const CompressSpec& spec, Stage stage);

// The stages that read a compress section.
bool stage_has_compress_section(Stage stage);

}  // namespace cradle
