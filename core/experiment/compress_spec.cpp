#include "core/experiment/compress_spec.h"

namespace cradle {

bool stage_has_compress_section(const std::string& stage) { return stage == "prune"; }

CompressSpec parse_compress_spec(JsonObjectReader r, const std::string& stage) {
  CompressSpec c;
  if (stage == "prune") {
    c.method = r.choice("method", c.method, {"magnitude"});
    c.scope = r.choice("scope", c.scope, {"global", "layer"});
    c.sparsity = r.number("sparsity", c.sparsity, {0.0, 1.0, true, true});
    c.cycles = r.integer("cycles", c.cycles, Range::between(1, 1000));
  }
  r.finish();
  return c;
}

Json compress_spec_to_json(const CompressSpec& c, const std::string& stage) {
  if (stage != "prune") return Json::object();
  return Json{{"method", c.method}, {"scope", c.scope}, {"sparsity", c.sparsity}, {"cycles", c.cycles}};
}

}  // namespace cradle
