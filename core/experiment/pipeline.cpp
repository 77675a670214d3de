#include "core/experiment/pipeline.h"

#include <algorithm>
#include <cctype>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"

namespace cradle {
namespace {

bool is_folder_name(const std::string& name) {
  return !name.empty() && name.size() <= 100 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

Pipeline parse_pipeline(const Json& document, const std::filesystem::path& base_dir) {
  if (!document.is_object()) throw ConfigError("pipeline: expected a JSON object");
  JsonObjectReader r(document, "");
  Pipeline pipeline;
  pipeline.name = r.required_string("name");
  if (!is_folder_name(pipeline.name))
    r.fail("name", "use letters, digits, '-', '_' and '.' only (it names the pipeline's folder), got \"" +
                       pipeline.name + "\"");
  auto stages = r.objects("stages");
  if (stages.empty()) r.fail("stages", "required: a list of {\"name\", \"experiment\"} objects, run in order");
  for (auto& s : stages) {
    PipelineStage stage;
    stage.name = s.required_string("name");
    if (!is_folder_name(stage.name))
      s.fail("name", "use letters, digits, '-', '_' and '.' only (it names the stage's run folder), got \"" +
                         stage.name + "\"");
    for (const auto& earlier : pipeline.stages)
      if (earlier.name == stage.name) s.fail("name", "\"" + stage.name + "\" names an earlier stage too");
    const std::filesystem::path experiment = s.required_string("experiment");
    stage.experiment = (experiment.is_absolute() ? experiment : base_dir / experiment).lexically_normal();
    stage.init_from = s.string("init_from", "");
    if (!stage.init_from.empty() && std::none_of(pipeline.stages.begin(), pipeline.stages.end(),
                                                 [&](const PipelineStage& e) { return e.name == stage.init_from; }))
      s.fail("init_from", "\"" + stage.init_from + "\" is not an earlier stage of this pipeline");
    stage.reward_from = s.string("reward_from", "");
    if (!stage.reward_from.empty() && std::none_of(pipeline.stages.begin(), pipeline.stages.end(),
                                                   [&](const PipelineStage& e) { return e.name == stage.reward_from; }))
      s.fail("reward_from", "\"" + stage.reward_from + "\" is not an earlier stage of this pipeline");
    stage.overrides = s.strings("set", {});
    s.finish();
    pipeline.stages.push_back(std::move(stage));
  }
  r.finish();
  return pipeline;
}

Pipeline load_pipeline(const std::filesystem::path& file) {
  return parse_pipeline(parse_json_text(read_file(file), file.string()), std::filesystem::absolute(file).parent_path());
}

}  // namespace cradle
