#include "app/common/terminal_progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "core/run/log_writer.h"

namespace cradle {

std::string format_duration(double seconds) {
  const long total = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  return text;
}

TerminalProgress::TerminalProgress(std::FILE* out) : out_(out), interactive_(::isatty(::fileno(out)) != 0) {}

int TerminalProgress::terminal_width() const {
  winsize size{};
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 100;
}

void TerminalProgress::end_bar_line() {
  if (bar_drawn_) std::fputc('\n', out_);
  bar_drawn_ = false;
}

void TerminalProgress::on_started(const TrainingPlan& plan) {
  plan_ = plan;
  std::fprintf(out_, "training %lld samples, batch %lld: %lld epochs x %lld steps\n",
               static_cast<long long>(plan.train_samples), static_cast<long long>(plan.batch_size),
               static_cast<long long>(plan.epochs), static_cast<long long>(plan.steps_per_epoch));
  std::fflush(out_);
}

void TerminalProgress::on_step(const StepMetrics& m) {
  const double fraction =
      plan_.total_steps > 0 ? static_cast<double>(m.step) / static_cast<double>(plan_.total_steps) : 0;
  const auto done_here = m.step - plan_.start_step;  // a resumed run's clock starts at its first step
  const double eta =
      done_here > 0 ? m.wall_seconds / static_cast<double>(done_here) * static_cast<double>(plan_.total_steps - m.step)
                    : 0;
  char stats[300];
  if (!m.extra.empty())  // PPO: its score and KL say more than a loss
    std::snprintf(stats, sizeof stats, " %3.0f%% epoch %lld/%lld%s %6.1f samples/s ETA %s", fraction * 100,
                  static_cast<long long>(m.epoch), static_cast<long long>(plan_.epochs),
                  format_stage_figures(m.extra, 3).c_str(), m.samples_per_second, format_duration(eta).c_str());
  else
    std::snprintf(stats, sizeof stats, " %3.0f%% epoch %lld/%lld loss %.4f %s %.4g %6.0f samples/s ETA %s",
                  fraction * 100, static_cast<long long>(m.epoch), static_cast<long long>(plan_.epochs), m.loss,
                  m.mae ? "mae" : "acc", m.mae.value_or(m.accuracy), m.samples_per_second,
                  format_duration(eta).c_str());
  if (!interactive_) {
    std::fprintf(out_, "step %lld/%lld%s\n", static_cast<long long>(m.step), static_cast<long long>(plan_.total_steps),
                 stats);
  } else {
    const int bar_width = std::clamp(terminal_width() - static_cast<int>(std::string(stats).size()) - 3, 10, 40);
    const int filled = static_cast<int>(fraction * bar_width);
    std::string bar = "[" + std::string(static_cast<size_t>(filled), '=') +
                      (filled < bar_width ? ">" + std::string(static_cast<size_t>(bar_width - filled - 1), ' ') : "") +
                      "]";
    std::fprintf(out_, "\r\033[K%s%s", bar.c_str(), stats);
    bar_drawn_ = true;
  }
  std::fflush(out_);
}

void TerminalProgress::on_evaluation(const EvaluationMetrics& m) {
  end_bar_line();
  if (m.mae)
    std::fprintf(out_, "%s after epoch %lld: loss %.4f, mae %.4g, rmse %.4g, r2 %.4f (%lld samples)\n", m.split.c_str(),
                 static_cast<long long>(m.epoch), m.loss, *m.mae, m.rmse.value_or(0), m.r2.value_or(0),
                 static_cast<long long>(m.samples));
  else if (!m.extra.empty())  // PPO: the responses' mean score, KL to the reference, length
    std::fprintf(out_, "%s after epoch %lld:%s, ended their turn %.0f%% (%lld prompts)\n", m.split.c_str(),
                 static_cast<long long>(m.epoch), format_stage_figures(m.extra).c_str(), 100 * m.accuracy,
                 static_cast<long long>(m.samples));
  else
    std::fprintf(out_, "%s after epoch %lld: loss %.4f, accuracy %.4f (%lld samples)\n", m.split.c_str(),
                 static_cast<long long>(m.epoch), m.loss, m.accuracy, static_cast<long long>(m.samples));
  std::fflush(out_);
}

void TerminalProgress::on_finished(const TrainingOutcome& o) {
  end_bar_line();
  if (o.stopped_early)
    std::fprintf(out_, "early stopping after epoch %lld: no improvement since epoch %lld%s\n",
                 static_cast<long long>(o.epochs_completed), static_cast<long long>(o.best_epoch),
                 o.restored_best ? " (its weights kept)" : "");
  std::fprintf(out_, "%s after %lld steps in %s (median %.0f training samples/s)\n",
               o.status == TrainingStatus::Completed ? "finished" : "stopped", static_cast<long long>(o.steps),
               format_duration(o.wall_seconds).c_str(), o.median_samples_per_second);
  std::fflush(out_);
}

void TerminalProgress::on_failed(const std::string&) { end_bar_line(); }

}  // namespace cradle
