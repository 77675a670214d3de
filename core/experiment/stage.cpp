#include "core/experiment/stage.h"

#include <stdexcept>

#include "core/common/enum_names.h"

namespace cradle {
namespace {
constexpr Stage kStages[] = {Stage::Pretrain, Stage::Sft,   Stage::Reward, Stage::Dpo,
                             Stage::Ppo,      Stage::Prune, Stage::Distill};
}  // namespace

std::string to_string(Stage stage) {
  switch (stage) {
    case Stage::Pretrain: return "pretrain";
    case Stage::Sft: return "sft";
    case Stage::Reward: return "reward";
    case Stage::Dpo: return "dpo";
    case Stage::Ppo: return "ppo";
    case Stage::Prune: return "prune";
    case Stage::Distill: return "distill";
  }
  throw std::logic_error("to_string(Stage): a value outside the enumeration");
}

std::optional<Stage> parse_stage(const std::string& name) { return parse_enum_name(name, kStages); }

std::vector<std::string> stage_names() { return enum_names(kStages); }

}  // namespace cradle
