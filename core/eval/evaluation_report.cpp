#include "core/eval/evaluation_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/png_encoder.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

std::string fixed(double value, int digits = 4) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string general(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string percent(double value) { return fixed(100 * value, 2) + "%"; }

std::string class_name(const EvaluationResult& r, std::int64_t index) {
  return index >= 0 && index < static_cast<std::int64_t>(r.class_names.size())
             ? r.class_names[static_cast<std::size_t>(index)]
             : std::to_string(index);
}

Json sample_json(const EvaluationResult& r, const InspectedSample& s) {
  Json j = {{"index", s.prediction.index},
            {"true", class_name(r, s.prediction.label)},
            {"predicted", class_name(r, s.prediction.predicted)},
            {"probability", s.prediction.probability},
            {"true_probability", s.prediction.label_probability}};
  if (!s.text.empty()) j["text"] = s.text;
  return j;
}

// CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

const char* const kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em;
       color: #1f2328; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; } table { border-collapse: collapse; margin: 0.5em 0; }
th, td { padding: 0.3em 0.6em; border: 1px solid #d0d7de; text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f6f8fa; } td.name, th.name { text-align: left; }
.bar { display: inline-block; height: 0.8em; background: #2f81f7; vertical-align: middle; }
.barcell { width: 220px; text-align: left; }
table.confusion td { min-width: 2.6em; text-align: center; } table.confusion th.rot { writing-mode: vertical-rl; transform: rotate(180deg); }
.gallery { display: flex; flex-wrap: wrap; gap: 10px; } .card { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px;
  width: 150px; font-size: 0.8em; } .card img { display: block; margin: 0 auto 4px; image-rendering: pixelated; }
.card.wide { width: 330px; } .card .text { max-height: 8em; overflow: auto; white-space: pre-wrap; color: #1f2328; }
.wrong { color: #cf222e; } .right { color: #1a7f37; }
.generation { border-left: 3px solid #2f81f7; padding: 0.3em 0.8em; margin: 0.8em 0; white-space: pre-wrap; }
.generation b { color: #57606a; } .note { color: #57606a; font-size: 0.9em; }
)";

void metric_row(std::ostringstream& h, const std::string& name, const std::string& value) {
  h << "<tr><td class=name>" << html_escape(name) << "</td><td>" << value << "</td></tr>\n";
}

void write_samples(std::ostringstream& h, const EvaluationResult& r, const std::vector<InspectedSample>& samples) {
  h << "<div class=gallery>\n";
  for (const auto& s : samples) {
    const auto& p = s.prediction;
    const bool right = p.label == p.predicted;
    h << "<div class='card" << (s.png.empty() && !s.text.empty() ? " wide" : "") << "'>";
    if (!s.png.empty())
      h << "<img alt='sample " << p.index << "' src='data:image/png;base64," << base64_encode(s.png) << "'>";
    if (!s.text.empty()) h << "<div class=text>" << html_escape(s.text) << "</div>";
    h << "<div>#" << p.index << " true <b>" << html_escape(class_name(r, p.label)) << "</b></div>";
    h << "<div class=" << (right ? "right" : "wrong") << ">predicted <b>" << html_escape(class_name(r, p.predicted))
      << "</b> " << percent(p.probability) << "</div>";
    if (!right) h << "<div class=note>true class " << percent(p.label_probability) << "</div>";
    h << "</div>\n";
  }
  h << "</div>\n";
}

void write_classification(std::ostringstream& h, const EvaluationResult& r) {
  const auto& c = *r.classification;
  h << "<h2>Metrics</h2><table>\n";
  metric_row(h, "accuracy", percent(c.accuracy));
  metric_row(h, "top-" + std::to_string(c.top_k) + " accuracy", percent(c.top_k_accuracy));
  metric_row(h, "cross-entropy loss", fixed(r.loss));
  metric_row(h, "macro F1", fixed(c.macro.f1));
  metric_row(h, "weighted F1", fixed(c.weighted.f1));
  metric_row(h, "micro F1", fixed(c.micro.f1));
  metric_row(h, "macro precision / recall", fixed(c.macro.precision) + " / " + fixed(c.macro.recall));
  if (c.roc_auc) metric_row(h, c.classes.size() == 2 ? "ROC-AUC" : "ROC-AUC (one-vs-rest, mean)", fixed(*c.roc_auc));
  metric_row(h, "expected calibration error (" + std::to_string(c.calibration_bins) + " bins)",
             fixed(c.expected_calibration_error));
  if (r.training_report_accuracy)
    metric_row(h, "test accuracy in the training report", percent(*r.training_report_accuracy));
  h << "</table>\n";

  h << "<h2>Per class</h2><table><tr><th class=name>class</th><th>support</th><th>predicted</th><th>precision</th>"
       "<th>recall</th><th>F1</th><th class=barcell></th><th>ROC-AUC</th></tr>\n";
  for (std::size_t i = 0; i < c.classes.size(); ++i) {
    const auto& k = c.classes[i];
    h << "<tr><td class=name>" << html_escape(class_name(r, static_cast<std::int64_t>(i))) << "</td><td>" << k.support
      << "</td><td>" << k.predicted << "</td><td>" << fixed(k.precision, 3) << "</td><td>" << fixed(k.recall, 3)
      << "</td><td>" << fixed(k.f1, 3) << "</td><td class=barcell><span class=bar style='width:" << fixed(200 * k.f1, 1)
      << "px'></span></td><td>" << (k.roc_auc ? fixed(*k.roc_auc, 3) : std::string("&ndash;")) << "</td></tr>\n";
  }
  h << "</table>\n";

  h << "<h2>Confusion matrix</h2><p class=note>Rows: the true class; columns: the predicted class. A cell's colour "
       "is its share of the row (blue: right, red: confused).</p><table class=confusion><tr><th class=name>true &darr; "
       "predicted &rarr;</th>";
  for (std::size_t j = 0; j < c.confusion.size(); ++j)
    h << "<th class=rot>" << html_escape(class_name(r, static_cast<std::int64_t>(j))) << "</th>";
  h << "</tr>\n";
  for (std::size_t i = 0; i < c.confusion.size(); ++i) {
    std::int64_t row_total = 0;
    for (const auto v : c.confusion[i]) row_total += v;
    h << "<tr><th class=name>" << html_escape(class_name(r, static_cast<std::int64_t>(i))) << "</th>";
    for (std::size_t j = 0; j < c.confusion[i].size(); ++j) {
      const auto v = c.confusion[i][j];
      const double share = row_total > 0 ? static_cast<double>(v) / static_cast<double>(row_total) : 0;
      const double alpha = v == 0 ? 0 : 0.08 + 0.92 * share;
      const char* rgb = i == j ? "47,129,247" : "207,34,46";
      h << "<td title='" << percent(share) << " of the row' style='background:rgba(" << rgb << "," << fixed(alpha, 3)
        << ")" << (alpha > 0.55 ? ";color:#fff" : "") << "'>" << v << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</table>\n";

  if (!r.confident_mistakes.empty()) {
    h << "<h2>Most confident mistakes</h2>\n";
    write_samples(h, r, r.confident_mistakes);
  }
  if (!r.class_samples.empty()) {
    h << "<h2>Samples of each class</h2>\n";
    write_samples(h, r, r.class_samples);
  }
}

// Predicted against true (with the identity line) and the residuals' histogram, as inline SVG.
void write_regression(std::ostringstream& h, const EvaluationResult& r) {
  const auto& g = *r.regression;
  h << "<h2>Metrics</h2><table>\n";
  metric_row(h, "mean squared error", general(g.mse));
  metric_row(h, "root mean squared error", general(g.rmse));
  metric_row(h, "mean absolute error", general(g.mae));
  metric_row(h, "R²", fixed(g.r2));
  metric_row(h, "mean residual (bias)", general(g.mean_residual));
  metric_row(h, "loss (standardised targets)", fixed(r.loss));
  h << "</table>\n";
  if (r.regression_points.empty()) return;
  double low = r.regression_points.front().truth, high = low;
  for (const auto& p : r.regression_points) {
    low = std::min({low, p.truth, p.predicted});
    high = std::max({high, p.truth, p.predicted});
  }
  if (high <= low) high = low + 1;
  const double size = 360, margin = 48;
  const auto x = [&](double v) { return margin + (v - low) / (high - low) * size; };
  const auto y = [&](double v) { return margin + size - (v - low) / (high - low) * size; };
  h << "<h2>Predicted against true</h2><svg xmlns='http://www.w3.org/2000/svg' width='" << size + 2 * margin
    << "' height='" << size + 2 * margin << "'><rect x='" << margin << "' y='" << margin << "' width='" << size
    << "' height='" << size << "' fill='none' stroke='#d0d7de'/><line x1='" << x(low) << "' y1='" << y(low) << "' x2='"
    << x(high) << "' y2='" << y(high) << "' stroke='#57606a' stroke-dasharray='4 3'/>";
  const std::size_t step = std::max<std::size_t>(1, r.regression_points.size() / 2000);  // at most about 2,000 dots
  for (std::size_t i = 0; i < r.regression_points.size(); i += step)
    h << "<circle cx='" << fixed(x(r.regression_points[i].truth), 1) << "' cy='"
      << fixed(y(r.regression_points[i].predicted), 1) << "' r='2' fill='#2f81f7' fill-opacity='0.5'/>";
  // Axis names and the range at both ends of each axis (the same on both: the identity line is the diagonal).
  h << "<text x='" << margin + size / 2 << "' y='" << size + 2 * margin - 6
    << "' text-anchor=middle font-size=12>true</text>"
    << "<text x='" << margin << "' y='" << margin + size + 14 << "' font-size=11 text-anchor=middle>" << general(low)
    << "</text><text x='" << margin + size << "' y='" << margin + size + 14 << "' font-size=11 text-anchor=middle>"
    << general(high) << "</text><text x='" << margin - 4 << "' y='" << margin + size
    << "' font-size=11 text-anchor=end>" << general(low) << "</text><text x='" << margin - 4 << "' y='" << margin + 4
    << "' font-size=11 text-anchor=end>" << general(high) << "</text><text x='12' y='" << margin + size / 2
    << "' font-size=12 transform='rotate(-90 12 " << margin + size / 2
    << ")' text-anchor=middle>predicted</text></svg>\n";

  constexpr int kBins = 30;
  double rmin = 0, rmax = 0;
  for (const auto& p : r.regression_points) {
    rmin = std::min(rmin, p.predicted - p.truth);
    rmax = std::max(rmax, p.predicted - p.truth);
  }
  if (rmax <= rmin) rmax = rmin + 1;
  std::vector<std::int64_t> bins(kBins, 0);
  for (const auto& p : r.regression_points)
    ++bins[static_cast<std::size_t>(
        std::min<double>(kBins - 1, (p.predicted - p.truth - rmin) / (rmax - rmin) * kBins))];
  const double tallest = static_cast<double>(*std::max_element(bins.begin(), bins.end()));
  const double width = 440, height = 160, bar = width / kBins;
  h << "<h2>Residuals (predicted &minus; true)</h2><svg xmlns='http://www.w3.org/2000/svg' width='" << width + 20
    << "' height='" << height + 40 << "'>";
  for (int i = 0; i < kBins; ++i) {
    const double bar_height =
        tallest > 0 ? static_cast<double>(bins[static_cast<std::size_t>(i)]) / tallest * height : 0;
    h << "<rect x='" << fixed(10 + i * bar, 1) << "' y='" << fixed(10 + height - bar_height, 1) << "' width='"
      << fixed(bar - 1, 1) << "' height='" << fixed(bar_height, 1) << "' fill='#2f81f7'><title>"
      << bins[static_cast<std::size_t>(i)] << "</title></rect>";
  }
  h << "<text x='10' y='" << height + 32 << "' font-size=12>" << general(rmin) << "</text><text x='" << width + 10
    << "' y='" << height + 32 << "' font-size=12 text-anchor=end>" << general(rmax) << "</text></svg>\n";
}

void write_preferences(std::ostringstream& h, const EvaluationResult& r) {
  const auto& p = *r.preferences;
  h << "<h2>Metrics</h2><table>\n";
  metric_row(h, "preference accuracy (pairs ordered right)", percent(p.accuracy));
  metric_row(h, "reward gap (chosen − rejected, mean)", fixed(p.reward_gap));
  metric_row(h, "mean reward of the chosen replies", fixed(p.chosen_reward));
  metric_row(h, "mean reward of the rejected replies", fixed(p.rejected_reward));
  if (p.chosen_logprob) metric_row(h, "policy log-probability of the chosen replies (mean)", fixed(*p.chosen_logprob));
  if (p.rejected_logprob)
    metric_row(h, "policy log-probability of the rejected replies (mean)", fixed(*p.rejected_logprob));
  metric_row(h, "pairwise loss", fixed(p.loss));
  metric_row(h, "pairs", std::to_string(p.pairs));
  h << "</table>\n";
}

void write_generations(std::ostringstream& h, const EvaluationResult& r);

void write_language_model(std::ostringstream& h, const EvaluationResult& r) {
  const auto& m = *r.language_model;
  h << "<h2>Metrics</h2><table>\n";
  metric_row(h, "cross-entropy (nats per token)", fixed(m.cross_entropy));
  metric_row(h, "perplexity", fixed(m.perplexity, 2));
  metric_row(h, "bits per token", fixed(m.bits_per_token));
  metric_row(h, "bits per character", fixed(m.bits_per_character));
  metric_row(h, "next-token accuracy", percent(m.token_accuracy));
  metric_row(h, "tokens / characters", std::to_string(m.tokens) + " / " + std::to_string(m.characters));
  if (r.training_report_accuracy)
    metric_row(h, "token accuracy in the training report", percent(*r.training_report_accuracy));
  h << "</table>\n";
  write_generations(h, r);
}

void write_generations(std::ostringstream& h, const EvaluationResult& r) {
  if (r.generations.empty()) return;
  h << "<h2>Generated text</h2><p class=note>" << html_escape(r.sampling) << ". The prompt is in grey.</p>\n";
  for (const auto& g : r.generations)
    h << "<div class=generation><b>" << html_escape(g.prompt) << "</b>" << html_escape(g.text) << "<div class=note>"
      << g.tokens << " tokens, " << html_escape(g.finish_reason) << ", " << fixed(g.tokens_per_second, 0) << " tokens/s"
      << (g.score ? ", score " + fixed(*g.score) : std::string()) << "</div></div>\n";
}

void write_policy(std::ostringstream& h, const EvaluationResult& r) {
  const auto& p = *r.policy;
  h << "<h2>Metrics</h2><table>\n";
  metric_row(h, "mean score of the replies", fixed(p.score));
  metric_row(h, "replies that ended their turn", percent(p.ended_turn));
  metric_row(h, "mean reply length (tokens)", fixed(p.response_tokens, 1));
  metric_row(h, "prompts", std::to_string(p.prompts));
  metric_row(h, "scored by", html_escape(p.reward));
  h << "</table>\n";
  write_generations(h, r);
}

Json generations_json(const EvaluationResult& r) {
  Json generations = Json::array();
  for (const auto& g : r.generations) {
    generations.push_back({{"prompt", g.prompt},
                           {"text", g.text},
                           {"finish_reason", g.finish_reason},
                           {"tokens", g.tokens},
                           {"tokens_per_second", g.tokens_per_second}});
    if (g.score) generations.back()["score"] = *g.score;
  }
  return generations;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Json evaluation_to_json(const EvaluationResult& r) {
  Json j = {{"run", r.run},
            {"experiment", r.experiment},
            {"task", to_string(r.task)},
            {"model", r.model_type},
            {"split", r.split},
            {"checkpoint", {{"choice", r.checkpoint}, {"file", r.weights_file}}},
            {"evaluated_at", r.evaluated_at},
            {"seconds", r.seconds},
            {"samples", r.samples}};
  Json metrics = {{"loss", r.loss}};
  if (r.classification) {
    const auto& c = *r.classification;
    metrics["accuracy"] = c.accuracy;
    metrics["top_k"] = c.top_k;
    metrics["top_k_accuracy"] = c.top_k_accuracy;
    for (const auto& [name, a] : {std::pair{"macro", c.macro}, {"micro", c.micro}, {"weighted", c.weighted}})
      metrics[name] = {{"precision", a.precision}, {"recall", a.recall}, {"f1", a.f1}};
    metrics["roc_auc"] = c.roc_auc ? Json(*c.roc_auc) : Json();
    metrics["expected_calibration_error"] = c.expected_calibration_error;
    metrics["calibration_bins"] = c.calibration_bins;
    j["metrics"] = metrics;
    Json classes = Json::array();
    for (std::size_t i = 0; i < c.classes.size(); ++i) {
      const auto& k = c.classes[i];
      classes.push_back({{"name", class_name(r, static_cast<std::int64_t>(i))},
                         {"support", k.support},
                         {"predicted", k.predicted},
                         {"precision", k.precision},
                         {"recall", k.recall},
                         {"f1", k.f1},
                         {"roc_auc", k.roc_auc ? Json(*k.roc_auc) : Json()}});
    }
    j["classes"] = classes;
    j["confusion_matrix"] = {{"rows", "true class"}, {"columns", "predicted class"}, {"counts", c.confusion}};
    Json mistakes = Json::array(), samples = Json::array();
    for (const auto& s : r.confident_mistakes) mistakes.push_back(sample_json(r, s));
    for (const auto& s : r.class_samples) samples.push_back(sample_json(r, s));
    j["confident_mistakes"] = mistakes;
    j["class_samples"] = samples;
  } else if (r.regression) {
    const auto& g = *r.regression;
    metrics.update(
        Json{{"mse", g.mse}, {"rmse", g.rmse}, {"mae", g.mae}, {"r2", g.r2}, {"mean_residual", g.mean_residual}});
    j["metrics"] = metrics;
  } else if (r.preferences) {
    const auto& p = *r.preferences;
    metrics.update(Json{{"preference_accuracy", p.accuracy},
                        {"reward_gap", p.reward_gap},
                        {"chosen_reward", p.chosen_reward},
                        {"rejected_reward", p.rejected_reward}});
    if (p.chosen_logprob) metrics["chosen_logprob"] = *p.chosen_logprob;
    if (p.rejected_logprob) metrics["rejected_logprob"] = *p.rejected_logprob;
    j["metrics"] = metrics;
  } else if (r.policy) {
    const auto& p = *r.policy;
    metrics.update(Json{{"score", p.score},
                        {"ended_turn", p.ended_turn},
                        {"response_tokens", p.response_tokens},
                        {"prompts", p.prompts}});
    j["metrics"] = metrics;
    j["reward"] = p.reward;
    j["sampling"] = r.sampling;
    j["generations"] = generations_json(r);
  } else if (r.language_model) {
    const auto& m = *r.language_model;
    metrics.update(Json{{"cross_entropy", m.cross_entropy},
                        {"perplexity", m.perplexity},
                        {"bits_per_token", m.bits_per_token},
                        {"bits_per_character", m.bits_per_character},
                        {"token_accuracy", m.token_accuracy},
                        {"tokens", m.tokens},
                        {"characters", m.characters}});
    j["metrics"] = metrics;
    j["sampling"] = r.sampling;
    j["generations"] = generations_json(r);
  }
  if (r.training_report_accuracy) j["training_report_test_accuracy"] = *r.training_report_accuracy;
  return j;
}

std::string predictions_csv(const EvaluationResult& r) {
  std::ostringstream out;
  if (r.regression) {
    out << "index,true,predicted,residual\n";
    for (const auto& p : r.regression_points)
      out << p.index << ',' << general(p.truth) << ',' << general(p.predicted) << ',' << general(p.predicted - p.truth)
          << '\n';
  } else if (r.classification) {
    out << "index,true,predicted,probability,true_probability\n";
    for (const auto& p : r.predictions)
      out << p.index << ',' << csv_field(class_name(r, p.label)) << ',' << csv_field(class_name(r, p.predicted)) << ','
          << general(p.probability) << ',' << general(p.label_probability) << '\n';
  }
  return out.str();
}

std::string evaluation_to_html(const EvaluationResult& r) {
  std::ostringstream h;
  const std::string title = r.experiment + ": " + r.split + " split";
  h << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>" << html_escape(title) << "</title><style>"
    << kStyle << "</style></head><body>\n<h1>" << html_escape(title) << "</h1>\n<p class=meta>"
    << html_escape(r.model_type) << " "
    << html_escape(r.policy        ? std::string("PPO policy")
                   : r.preferences ? std::string(r.preferences->chosen_logprob ? "DPO policy" : "reward model")
                   : r.task == Task::LanguageModel ? std::string("language model")
                                                   : to_string(r.task))
    << ", " << r.samples
    << (r.policy                        ? " prompts"
        : r.preferences                 ? " preference pairs"
        : r.task == Task::LanguageModel ? " sequences"
                                        : " samples")
    << ", weights " << html_escape(r.checkpoint) << " (<code>" << html_escape(r.weights_file) << "</code>), evaluated "
    << html_escape(r.evaluated_at) << " in " << fixed(r.seconds, 1) << " s. Run <code>" << html_escape(r.run)
    << "</code>.</p>\n";
  if (r.classification)
    write_classification(h, r);
  else if (r.regression)
    write_regression(h, r);
  else if (r.preferences)
    write_preferences(h, r);
  else if (r.policy)
    write_policy(h, r);
  else if (r.language_model)
    write_language_model(h, r);
  h << "<p class=note>Written by Cradle " CRADLE_VERSION "."
    << (r.classification || r.regression ? " Every sample's prediction is in predictions.csv beside this file." : "")
    << "</p>\n</body></html>\n";
  return h.str();
}

fs::path default_evaluation_dir(const EvaluationResult& r) {
  std::string checkpoint = r.checkpoint;
  if (checkpoint != "last" && checkpoint != "best") checkpoint = fs::path(checkpoint).stem().string();
  return fs::path(r.run) / "evaluation" / (r.split + "-" + checkpoint);
}

std::vector<fs::path> write_evaluation_report(const EvaluationResult& result, const fs::path& out) {
  // Written into a sibling folder and swapped in whole: a full disk leaves the
  // earlier report (or nothing), never an empty or half-written folder.
  fs::path dir = fs::absolute(out).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();
  const fs::path partial = dir.parent_path() / ("." + dir.filename().string() + ".partial");
  std::error_code error;
  fs::remove_all(partial, error);
  fs::create_directories(partial, error);
  if (error) throw IoError(partial.string() + ": cannot create the folder (" + error.message() + ")");
  std::vector<std::string> names = {"report.json", "report.html"};
  if (result.classification || result.regression) names.push_back("predictions.csv");
  try {
    write_text_atomically(partial / names[0],
                          evaluation_to_json(result).dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    write_text_atomically(partial / names[1], evaluation_to_html(result));
    if (names.size() > 2) write_text_atomically(partial / names[2], predictions_csv(result));
    const fs::path previous = dir.parent_path() / ("." + dir.filename().string() + ".previous");
    fs::remove_all(previous, error);
    const bool had_one = fs::exists(dir);
    if (had_one) fs::rename(dir, previous);
    try {
      fs::rename(partial, dir);
    } catch (const fs::filesystem_error&) {
      if (had_one) fs::rename(previous, dir, error);  // the earlier report back where it was
      throw;
    }
    fs::remove_all(previous, error);
  } catch (const fs::filesystem_error& failure) {
    fs::remove_all(partial, error);
    throw IoError(dir.string() + ": cannot replace the folder (" + failure.code().message() + ")");
  } catch (...) {
    fs::remove_all(partial, error);
    throw;
  }
  std::vector<fs::path> written;
  for (const auto& name : names) written.push_back(out / name);
  return written;
}

}  // namespace cradle
