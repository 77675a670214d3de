#pragma once
// A hyperparameter sweep file: which experiment, which of its fields to vary
// and how, the metric to optimise and the budget.
//
//   {"format_version": 1, "name": "fashion-lr-wd", "experiment": "experiment.json",
//    "method": "random", "metric": "validation_accuracy", "trials": 8,
//    "parameters": {"train.lr": {"log_uniform": [1e-4, 1e-2]},
//                   "train.weight_decay": {"log_uniform": [1e-6, 1e-2]},
//                   "train.optimizer": {"values": ["adam", "adamw"]}},
//    "set": ["train.epochs=3"]}
//
// Fields are named as `--set` names them; a trial is the experiment with one
// value of each applied as overrides, so a misspelt field fails like a
// misspelt --set. No LibTorch here: the parser has a fuzz target.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"

namespace cradle {

struct SweepParameter {
  std::string field;         // "train.lr"
  std::string distribution;  // values | uniform | log_uniform | int_uniform
  std::vector<Json> values;  // distribution "values": the choices, as JSON
  double min = 0, max = 0;   // the others: the interval (log_uniform: both > 0)
};

struct SweepSpec {
  std::string name;
  std::string experiment;         // the experiment file, relative to the sweep file
  std::string method = "random";  // grid | random | halving (successive halving of random trials)
  // validation_loss | validation_accuracy | validation_mae | validation_rmse | validation_r2
  std::string metric = "validation_loss";
  std::vector<SweepParameter> parameters;
  std::int64_t trials = 8;       // random, halving: configurations; grid: at most this many (0: all)
  double max_minutes = 0;        // 0: no limit; else no trial starts after this long
  std::int64_t parallel = 1;     // trials at once; the machine's threads are divided between them
  std::uint64_t seed = 1;        // of the random draws
  std::int64_t min_epochs = 1;   // halving: the first rung's epochs
  std::int64_t reduction = 3;    // halving: keep the best 1/reduction at each rung, with reduction x the epochs
  std::vector<std::string> set;  // overrides every trial gets ("train.epochs=3")

  bool higher_is_better() const { return metric == "validation_accuracy" || metric == "validation_r2"; }
};

// ConfigError naming the field ("parameters.train.lr: ...") and `origin`.
SweepSpec parse_sweep_spec(const std::string& text, const std::string& origin);
SweepSpec load_sweep_spec(const std::filesystem::path& file);
Json sweep_spec_to_json(const SweepSpec& spec);

}  // namespace cradle
