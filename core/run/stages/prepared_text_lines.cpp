#include "core/run/stages/prepared_text_lines.h"

namespace cradle {

void describe_prepared_text(const StageContext& c, const PreparedText& text) {
  c.log("data: " + std::to_string(text.records_read) + " records read from " + std::to_string(text.files.size()) +
        " file(s), " + std::to_string(text.skipped.size()) + " skipped");
  for (const auto& step : text.steps)
    c.log("data: step " + step.op + ": " + std::to_string(step.records_in) + " -> " + std::to_string(step.records_out) +
          " records, " + std::to_string(step.records_changed) + " changed");
}

}  // namespace cradle
