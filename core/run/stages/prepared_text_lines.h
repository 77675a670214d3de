#pragma once
// train.log's lines about prepared text (language models and text
// classifiers): records read, and what each preparation step did.
#include "core/run/stages/stage_runner.h"
#include "core/text/text_preparation.h"

namespace cradle {

void describe_prepared_text(const StageContext& context, const PreparedText& text);

}  // namespace cradle
