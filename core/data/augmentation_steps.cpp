#include "core/data/augmentation_steps.h"

namespace cradle {

AugmentStep parse_augment_step(JsonObjectReader r) {
  AugmentStep s;
  if (!r.has("op"))
    r.fail("op", "required: one of hflip, vflip, rotate, random_resized_crop, brightness, contrast, noise, cutout");
  s.op = r.choice("op", "",
                  {"hflip", "vflip", "rotate", "random_resized_crop", "brightness", "contrast", "noise", "cutout"});
  const bool always = s.op != "hflip" && s.op != "vflip" && s.op != "cutout";
  s.p = r.number("p", always ? 1.0 : 0.5, Range::between(0, 1));
  if (s.op == "rotate") {
    s.degrees = r.number("degrees", s.degrees, Range::between(0, 180));
  } else if (s.op == "random_resized_crop") {
    s.scale = r.numbers("scale", s.scale, {0.0, 1.0, true, false});
    s.ratio = r.numbers("ratio", s.ratio, Range::greater_than(0));
    if (s.scale.size() != 2 || s.scale[0] > s.scale[1]) r.fail("scale", "expected [min, max] with min <= max");
    if (s.ratio.size() != 2 || s.ratio[0] > s.ratio[1]) r.fail("ratio", "expected [min, max] with min <= max");
  } else if (s.op == "brightness" || s.op == "contrast") {
    s.amount = r.number("amount", s.amount, {0.0, 1.0, false, true});
  } else if (s.op == "noise") {
    s.std = r.number("std", s.std, Range::greater_than(0));
  } else if (s.op == "cutout") {
    s.size = r.number("size", s.size, {0.0, 1.0, true, false});
  }
  r.finish();
  return s;
}

Json augment_step_to_json(const AugmentStep& s) {
  Json j = Json::object();
  j["op"] = s.op;
  j["p"] = s.p;
  if (s.op == "rotate") j["degrees"] = s.degrees;
  if (s.op == "random_resized_crop") {
    j["scale"] = s.scale;
    j["ratio"] = s.ratio;
  }
  if (s.op == "brightness" || s.op == "contrast") j["amount"] = s.amount;
  if (s.op == "noise") j["std"] = s.std;
  if (s.op == "cutout") j["size"] = s.size;
  return j;
}

}  // namespace cradle
