#pragma once
// A model card (Mitchell et al. 2019) in Markdown, written from a run's frozen
// experiment and report: what the model is for, the data and its
// preprocessing, the architecture, the hyperparameters, the metrics on the
// test split, and the limits a user should know (all generated from what the
// run recorded; nothing is claimed that the run did not measure).
#include <string>

#include "core/experiment/experiment.h"

namespace cradle {

std::string model_card_markdown(const Experiment& experiment, const Json& report, const Json& manifest);

}  // namespace cradle
