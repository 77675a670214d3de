#include "core/export/model_card.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace cradle {
namespace {

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

std::string what_it_does(const Experiment& e, const Json& manifest) {
  const std::string kind = manifest["input"].value("kind", "");
  if (e.task == Task::LanguageModel) {
    if (is_chat_policy(e)) return "continues a conversation: given a user's message, writes the assistant's reply";
    return "continues a text: given the start of one, predicts the next tokens";
  }
  if (e.task == Task::Regression) return "predicts the number `" + e.data.target + "` from a table row";
  if (kind == "image") return "sorts an image into one of " + std::to_string(manifest.value("outputs", 0)) + " classes";
  if (kind == "text") return "sorts a text into one of " + std::to_string(manifest.value("outputs", 0)) + " classes";
  return "sorts a table row into one of " + std::to_string(manifest.value("outputs", 0)) + " classes";
}

}  // namespace

std::string model_card_markdown(const Experiment& e, const Json& report, const Json& manifest) {
  std::ostringstream md;
  md << "# Model card: " << e.name << "\n\n";
  if (!e.description.empty()) md << e.description << "\n\n";
  md << "Made with Cradle " << CRADLE_VERSION << " from the run `" << manifest.value("source_run", "") << "`";
  if (report.contains("finished_at")) md << ", trained until " << report.value("finished_at", "");
  md << ".\n\n";

  md << "## Intended use\n\nThis model " << what_it_does(e, manifest)
     << ". It was trained for this task on the data below "
     << "and is meant for trying that task on similar data: inputs unlike the training data (other sources, sizes, "
     << "languages, styles) get answers without warning.\n\n";

  md << "## Data\n\n- Source: `" << to_string(e.data.source) << "`";
  if (!e.data.paths.empty()) md << " (" << e.data.paths.front() << (e.data.paths.size() > 1 ? ", ..." : "") << ")";
  md << "\n";
  if (report.contains("data") && report["data"].is_object())
    for (const auto& [key, value] : report["data"].items())
      if (value.is_number()) md << "- " << key << ": " << value.dump() << "\n";
  if (manifest.contains("class_names")) {
    md << "- Classes:";
    const char* separator = " ";
    for (const auto& name : manifest["class_names"]) md << separator << name.get<std::string>(), separator = ", ";
    md << "\n";
  }
  md << "\n## Preprocessing\n\n";
  const Json& input = manifest["input"];
  const std::string kind = input.value("kind", "");
  if (kind == "image") {
    const auto shape = input["shape"];
    md << "- Images decoded to " << shape[0].get<int>() << " channel(s) of " << shape[1].get<int>() << "x"
       << shape[2].get<int>() << " pixels ("
       << (input.value("keep_aspect", false) ? "scaled to fit and padded with black" : "stretched")
       << "), scaled to [0, 1], then normalised per channel: mean " << input["normalize_mean"].dump() << ", std "
       << input["normalize_std"].dump() << ".\n";
    if (!e.data.augment.empty())
      md << "- Training used " << e.data.augment.size() << " augmentation step(s); prediction uses none.\n";
  } else if (kind == "text") {
    md << "- Tokenizer: `model/tokenizer.json`; context of " << input["shape"][0].get<int>() << " tokens.\n";
    for (const auto& step : e.data.steps) md << "- Text step: " << text_step_to_json(step).dump() << "\n";
  } else {
    md << "- Table columns encoded as the run fitted them on its training rows (scaling `" << e.data.scaling
       << "`, categories `" << e.data.categorical_encoding << "`, missing values `" << e.data.missing << "`).\n";
  }

  md << "\n## Architecture\n\n- `" << e.model.type << "`, " << manifest["model"].value("parameters", 0)
     << " parameters\n";
  md << "- Model section of the experiment: `" << model_spec_to_json(e.model, e.task).dump() << "`\n";

  md << "\n## Training\n\n- Optimizer " << e.train.optimizer << ", learning rate " << number(e.train.lr) << " ("
     << e.train.schedule.type << " schedule), batch " << e.train.batch_size << ", " << e.train.epochs
     << " epoch(s), seed " << e.seed << "\n";
  if (e.stage != Stage::Pretrain)
    md << "- Stage `" << to_string(e.stage) << "` starting from `" << e.init_from << "`\n";
  if (report.contains("wall_seconds"))
    md << "- Trained in " << number(report["wall_seconds"].get<double>()) << " s on " << report.value("device", "")
       << "\n";

  md << "\n## Metrics (test split)\n\n";
  if (report.contains("metrics") && report["metrics"].contains("test")) {
    md << "| metric | value |\n| --- | --- |\n";
    for (const auto& [key, value] : report["metrics"]["test"].items())
      if (value.is_number_integer())
        md << "| " << key << " | " << value.dump() << " |\n";
      else if (value.is_number())
        md << "| " << key << " | " << number(value.get<double>()) << " |\n";
  } else {
    md << "The run recorded no test metrics.\n";
  }

  md << "\n## Limits\n\n";
  md << "- The figures above are from one test split of the training data's source; they say little about other data.\n";
  if (e.task == Task::LanguageModel)
    md << "- Generated text can be wrong, offensive or repeat the training data; nothing filters it.\n";
  if (report.contains("quantization"))
    md << "- Weights stored as int8 (per-channel scales); see report.json's compression figures.\n";
  md << "- Small models trained on a desktop: check them on your own data before relying on them.\n";
  return md.str();
}

}  // namespace cradle
