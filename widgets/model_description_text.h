#pragma once
// The core's model description (core/models/model_description.h) in the
// user's language: the family and each size, laid out as "CNN, conv channels
// 32, 64, dense 128". Which sizes a model has is the core's decision; only the
// words are chosen here.
#include <QString>

#include "core/models/model_description.h"

namespace cradle {

QString model_description_text(const ModelDescription& description);

}  // namespace cradle
