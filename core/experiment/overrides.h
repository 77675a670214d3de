#pragma once
// Command-line overrides: "train.lr=3e-4", "model.hidden=[256,128]",
// "train.optimizer=sgd". The value is read as JSON when it parses as JSON and
// as a plain string otherwise. Overrides edit the document before validation,
// so a misspelt key is reported exactly like one in the file.
#include <string_view>

#include "core/experiment/json_object_reader.h"

namespace cradle {

void apply_override(Json& document, std::string_view assignment);

}  // namespace cradle
