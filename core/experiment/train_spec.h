#pragma once
// The experiment file's `train` section: optimizer, learning-rate schedule,
// regularisation and the safeguards of the training loop. Parsed and written
// here so experiment.cpp stays about the document as a whole.
#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"
#include "core/experiment/task.h"
#include "core/models/lora_options.h"

namespace cradle {

// The number format of the forward pass: "float32", or "bfloat16" (autocast
// of the forward pass, core/train/autocast.h).
enum class Precision { Float32, Bfloat16 };
std::string to_string(Precision precision);

// How the learning rate moves over the run. Rates are set before every
// optimizer step; "steps" are optimizer steps (after gradient accumulation).
struct ScheduleSpec {
  // constant | step | exponential | cosine | linear | one_cycle | plateau
  std::string type = "constant";
  std::int64_t warmup_steps = 0;  // linear ramp from 0 to train.lr first (every type but one_cycle)
  std::int64_t step_epochs = 1;   // step: multiply by gamma every step_epochs epochs
  double gamma = 0.1;             // step (0.1), exponential (0.95, per epoch)
  double min_lr = 0.0;            // cosine, linear: the final rate; plateau: the floor
  double pct_start = 0.3;         // one_cycle: share of the run spent rising to train.lr
  double div_factor = 25.0;       // one_cycle: start at train.lr / div_factor
  double final_div_factor = 1e4;  // one_cycle: end at the start rate / final_div_factor
  double factor = 0.1;            // plateau: multiply by factor ...
  std::int64_t patience = 2;      // plateau: ... after this many epochs without a better validation loss
  double min_delta = 1e-4;        // plateau: the improvement that counts
};

// Stop when a validation metric stops improving; keep the best weights.
struct EarlyStoppingSpec {
  bool enabled = false;  // written and read as the presence of the section
  std::string metric =
      "validation_loss";  // validation_loss | validation_accuracy | validation_mae | validation_rmse | validation_r2
  std::int64_t patience = 3;  // epochs without improvement before stopping
  double min_delta = 0.0;     // smaller changes are not improvements
  bool restore_best = true;   // end with the best epoch's weights (tested on them)
  bool higher_is_better() const { return metric == "validation_accuracy" || metric == "validation_r2"; }
};

// Transfer learning: layers (glob patterns over the layer names `cradle-cli
// inspect` shows, "conv*") kept as they are until an epoch, and layers trained
// at a multiple of the learning rate.
struct FreezeSpec {
  std::vector<std::string> layers;  // empty: nothing frozen
  std::int64_t until_epoch = 0;     // trainable again from the epoch after this one; 0: frozen for the whole run
};
struct LayerRateSpec {
  std::vector<std::string> layers;
  double scale = 1.0;  // times train.lr (and its schedule)
};

// LoRA: low-rank adapters on a pretrained model's projections train, its
// own weights stay frozen (core/models/lora.h). Models read from a Hugging
// Face folder (model type "pretrained") only.
struct LoraSpec {
  bool enabled = false;  // written and read as the presence of the section
  LoraOptions options;
  LoraTargets targets;  // none named: the architecture's attention and MLP projections
  // The frozen base's type: "bfloat16" halves its memory (the adapters stay float32); "auto" is bfloat16 where
  // the processor computes it natively (avx512_bf16, amx_bf16), else float32.
  std::string base_dtype = "auto";
};

struct TrainSpec {
  std::int64_t epochs = 5;
  std::int64_t batch_size = 64;    // samples per forward pass (a micro-batch when accumulating)
  std::string loss = "mse";        // regression: "mse" | "mae"
  std::string optimizer = "adam";  // sgd | adagrad | adadelta | rmsprop | adam | adamw
  double lr = 1e-3;
  double momentum = 0.9;                     // sgd (0.9), rmsprop (0)
  bool nesterov = false;                     // sgd
  std::vector<double> betas = {0.9, 0.999};  // adam, adamw
  double eps = 1e-8;                         // all but sgd (adagrad 1e-10, adadelta 1e-6)
  double rho = 0.9;                          // adadelta: decay of the running averages
  double alpha = 0.99;                       // rmsprop: decay of the squared-gradient average
  double weight_decay = 0.0;                 // L2 added to the gradient; decoupled for adamw (default 0.01)
  double l1 = 0.0;                           // L1 penalty on weights (tensors of 2+ dimensions)
  double label_smoothing = 0.0;              // classification and language models
  double clip_grad_norm = 0.0;               // 0: off; else the largest gradient norm applied
  std::int64_t accumulate_steps = 1;         // micro-batches per optimizer step
  Precision precision = Precision::Float32;
  ScheduleSpec schedule;
  EarlyStoppingSpec early_stopping;
  FreezeSpec freeze;
  std::vector<LayerRateSpec> layer_lr;  // the first group naming a layer decides its rate
  LoraSpec lora;
  bool gradient_checkpointing = false;  // pretrained models: layers recomputed in the backward pass, not kept
  std::int64_t log_every = 50;          // optimizer steps between training-metric lines
  std::int64_t keep_checkpoints = 2;    // epoch checkpoints kept (the newest)
};

// Optimizer steps between training-metric lines in a run of `steps_per_epoch`:
// log_every, but at least kMinLogPointsPerEpoch lines an epoch, so a short run
// (29 steps under the default 50) still draws its curves.
constexpr std::int64_t kMinLogPointsPerEpoch = 5;
std::int64_t log_interval(std::int64_t log_every, std::int64_t steps_per_epoch);

TrainSpec parse_train_spec(JsonObjectReader r, Task task);
Json train_spec_to_json(const TrainSpec& spec, Task task);

}  // namespace cradle
