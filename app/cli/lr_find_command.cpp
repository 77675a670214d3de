// cradle-cli lr-find: the learning-rate range test in the terminal.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "core/common/file_io.h"
#include "core/run/learning_rate_finder.h"

namespace cradle::cli {
namespace {

// About `rows` points of the curve, evenly spaced in steps, each with a bar
// for its smoothed loss above the curve's lowest; the row nearest the
// suggestion (in log(lr)) is marked.
void print_curve(const std::vector<RangeTestPoint>& points, double suggested, std::size_t rows = 16) {
  if (points.empty()) return;
  double low = points.front().smoothed;
  for (const auto& p : points)
    if (std::isfinite(p.smoothed)) low = std::min(low, p.smoothed);
  const double span = std::max(points.front().smoothed - low, 1e-12);
  const std::size_t stride = std::max<std::size_t>(1, points.size() / rows);
  std::size_t marked = points.size();
  if (suggested > 0)
    for (std::size_t i = 0; i < points.size(); i += stride)
      if (marked == points.size() ||
          std::abs(std::log(points[i].lr / suggested)) < std::abs(std::log(points[marked].lr / suggested)))
        marked = i;
  std::printf("%12s %12s %12s\n", "lr", "loss", "smoothed");
  for (std::size_t i = 0; i < points.size(); i += stride) {
    const auto& p = points[i];
    const double share = std::isfinite(p.smoothed) ? std::clamp((p.smoothed - low) / span, 0.0, 1.5) : 1.5;
    const std::string bar(static_cast<std::size_t>(std::lround(share * 30)), '#');
    std::printf("%12.3g %12.4g %12.4g  %s%s\n", p.lr, p.loss, p.smoothed, bar.c_str(),
                i == marked ? "  <- suggested" : "");
  }
}

}  // namespace

int find_learning_rate(const LearningRateFindRequest& request) {
  const Experiment experiment = load_experiment(request.experiment_file, request.overrides);
  std::printf(
      "learning-rate range test of %s: %lld steps from %.3g to %.3g (%s, batch %lld); a scratch copy of the model "
      "trains, the experiment is not changed\n",
      experiment.name.c_str(), static_cast<long long>(request.range.steps), request.range.min_lr, request.range.max_lr,
      experiment.train.optimizer.c_str(), static_cast<long long>(experiment.train.batch_size));
  std::fflush(stdout);
  const LearningRateFinding finding = cradle::find_learning_rate(experiment, request.range);
  std::printf("\n");
  print_curve(finding.points, finding.suggestion ? finding.suggestion->lr : 0);
  std::printf("\n%zu steps in %.1f s%s\n", finding.points.size(), finding.seconds,
              finding.diverged ? ", stopped when the loss diverged" : "");
  if (!request.out.empty()) {
    write_text_atomically(request.out, learning_rate_finding_json(finding).dump(2) + "\n");
    std::printf("curve: %s\n", request.out.string().c_str());
  }
  if (!finding.suggestion) {
    std::printf(
        "no suggestion: the loss did not fall over this range; try a wider one (--min-lr, --max-lr) or more steps\n");
    return 1;
  }
  std::printf("suggested learning rate: %.3g (%s)\n  cradle-cli train %s --set train.lr=%.3g\n", finding.suggestion->lr,
              finding.suggestion->rule.c_str(), request.experiment_file.string().c_str(), finding.suggestion->lr);
  return 0;
}

void add_lr_find_command(CLI::App& app, CommandChoice& choice) {
  auto request = std::make_shared<LearningRateFindRequest>();
  auto* lr_find =
      app.add_subcommand("lr-find", "Learning-rate range test: the loss as the rate grows, and a suggested rate");
  lr_find->add_option("experiment", request->experiment_file, "Experiment file (JSON)")->required();
  lr_find->add_option("--steps", request->range.steps, "Optimizer steps (default 100)")->check(CLI::Range(10, 100000));
  lr_find->add_option("--min-lr", request->range.min_lr, "First rate (default 1e-7)")->check(CLI::PositiveNumber);
  lr_find->add_option("--max-lr", request->range.max_lr, "Last rate (default 10)")->check(CLI::PositiveNumber);
  lr_find->add_option("--set", request->overrides, "Override a field (repeatable)")->check(kOverrideSyntax);
  lr_find->add_option("--out", request->out, "Also write the curve and the suggestion to this JSON file");
  lr_find->callback([&choice, request] { choice.run = [request] { return find_learning_rate(*request); }; });
}

}  // namespace cradle::cli
