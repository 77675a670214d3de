#include "core/experiment/compress_spec.h"

#include <utility>
#include <vector>

namespace cradle {

bool stage_has_compress_section(Stage stage) { return stage == Stage::Prune || stage == Stage::Distill; }

CompressSpec parse_compress_spec(JsonObjectReader r, Stage stage) {
  CompressSpec c;
  const std::vector<std::pair<const char*, Stage>> owners = {
      {"method", Stage::Prune},    {"scope", Stage::Prune},   {"sparsity", Stage::Prune},     {"cycles", Stage::Prune},
      {"teacher", Stage::Distill}, {"alpha", Stage::Distill}, {"temperature", Stage::Distill}};
  for (const auto& [key, owner] : owners)
    if (r.has(key) && stage != owner) r.fail_not_used_by(key, "stage", {to_string(owner)}, to_string(stage));
  if (stage == Stage::Distill) {
    c.teacher = r.string("teacher", "");
    if (c.teacher.empty()) r.fail("teacher", "required: the folder of the run the student learns from");
    c.alpha = r.number("alpha", c.alpha, Range::between(0, 1));
    c.temperature = r.number("temperature", c.temperature, Range::greater_than(0));
  }
  if (stage == Stage::Prune) {
    c.method = r.choice("method", c.method, {"magnitude", "channels"});
    const bool structured = c.method == "channels";
    if (structured) c.scope = "layer", c.cycles = 1, c.sparsity = 0.35;  // about half the FLOPs of the sample CNN
    c.scope = structured ? r.choice("scope", c.scope, {"layer"}) : r.choice("scope", c.scope, {"global", "layer"});
    c.sparsity = r.number("sparsity", c.sparsity, {0.0, 1.0, true, true});
    c.cycles = r.integer("cycles", c.cycles, Range::between(1, 1000));
    if (structured && c.cycles != 1)
      r.fail("cycles",
             "method \"channels\" removes the channels once, then fine-tunes for train.epochs: cycles must be 1");
  }
  r.finish();
  return c;
}

Json compress_spec_to_json(const CompressSpec& c, Stage stage) {
  if (stage == Stage::Distill) return Json{{"teacher", c.teacher}, {"alpha", c.alpha}, {"temperature", c.temperature}};
  if (stage != Stage::Prune) return Json::object();
  return Json{{"method", c.method}, {"scope", c.scope}, {"sparsity", c.sparsity}, {"cycles", c.cycles}};
}

}  // namespace cradle
