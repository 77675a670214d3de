#include "widgets/evaluation_charts.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

#include "widgets/category_axis.h"
#include "widgets/custom_plot.h"
#include "widgets/plot_legend.h"

namespace cradle {
namespace {

void set_title(QCustomPlot* plot, const QString& title) {
  if (plot->plotLayout()->rowCount() == 1) {
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(
        0, 0, new QCPTextElement(plot, title, QFont(plot->font().family(), plot->font().pointSize() + 1, QFont::Bold)));
  } else if (auto* heading = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0))) {
    heading->setText(title);
  }
}

}  // namespace

void clear_chart(QCustomPlot* plot) {
  plot->clearPlottables();
  plot->clearGraphs();
  plot->clearItems();
  plot->legend->setVisible(false);
  plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  plot->xAxis->setTickLabelRotation(0);
  plot->replot();
}

void draw_class_scores(QCustomPlot* plot, const ClassificationReport& report,
                       const std::vector<std::string>& class_names) {
  clear_chart(plot);
  set_title(plot, QCoreApplication::translate("EvaluationCharts", "Precision, recall, F1"));
  auto* group = new QCPBarsGroup(plot);
  const QColor colours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c)};
  const char* names[] = {QT_TRANSLATE_NOOP("EvaluationCharts", "precision"),
                         QT_TRANSLATE_NOOP("EvaluationCharts", "recall"), QT_TRANSLATE_NOOP("EvaluationCharts", "F1")};
  for (int series = 0; series < 3; ++series) {
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(QCoreApplication::translate("EvaluationCharts", names[series]));
    bars->setBrush(colours[series]);
    bars->setPen(Qt::NoPen);
    bars->setWidth(0.25);
    bars->setBarsGroup(group);
    for (std::size_t c = 0; c < report.classes.size(); ++c) {
      const auto& s = report.classes[c];
      bars->addData(static_cast<double>(c), series == 0 ? s.precision : series == 1 ? s.recall : s.f1);
    }
  }
  QStringList labels;
  for (const auto& name : class_names) labels << QString::fromStdString(name);
  set_category_axis(plot->xAxis, labels);
  plot->xAxis->setRange(-0.6, static_cast<double>(class_names.size()) - 0.4);
  plot->yAxis->setRange(0, 1.05);
  plot->legend->setVisible(true);
  place_legend_above_plot(plot);
  plot->replot();
}

void draw_predicted_against_true(QCustomPlot* plot, const std::vector<RegressionPoint>& points, const QString& unit) {
  clear_chart(plot);
  set_title(plot, QCoreApplication::translate("EvaluationCharts", "Predicted against true"));
  auto* scatter = plot->addGraph();
  scatter->setLineStyle(QCPGraph::lsNone);
  scatter->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x1f, 0x77, 0xb4, 140), 5));
  scatter->setName(QCoreApplication::translate("EvaluationCharts", "samples"));
  double low = 0, high = 1;
  if (!points.empty()) low = high = points.front().truth;
  for (const auto& p : points) {
    scatter->addData(p.truth, p.predicted);
    low = std::min({low, p.truth, p.predicted});
    high = std::max({high, p.truth, p.predicted});
  }
  auto* identity = plot->addGraph();
  identity->setName(QCoreApplication::translate("EvaluationCharts", "predicted = true"));
  identity->setPen(QPen(Qt::darkGray, 1, Qt::DashLine));
  identity->addData(low, low);
  identity->addData(high, high);
  const double margin = (high - low) * 0.05 + 1e-9;
  plot->xAxis->setRange(low - margin, high + margin);
  plot->yAxis->setRange(low - margin, high + margin);
  plot->xAxis->setLabel(unit.isEmpty() ? QCoreApplication::translate("EvaluationCharts", "true")
                                       : QCoreApplication::translate("EvaluationCharts", "true (%1)").arg(unit));
  plot->yAxis->setLabel(unit.isEmpty() ? QCoreApplication::translate("EvaluationCharts", "predicted")
                                       : QCoreApplication::translate("EvaluationCharts", "predicted (%1)").arg(unit));
  plot->legend->setVisible(true);
  plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  plot->replot();
}

void draw_residual_histogram(QCustomPlot* plot, const std::vector<RegressionPoint>& points, const QString& unit) {
  clear_chart(plot);
  set_title(plot, QCoreApplication::translate("EvaluationCharts", "Residuals (predicted - true)"));
  if (points.empty()) return;
  double low = points.front().predicted - points.front().truth, high = low;
  for (const auto& p : points) {
    low = std::min(low, p.predicted - p.truth);
    high = std::max(high, p.predicted - p.truth);
  }
  // Sturges' rule for the bin count, at least 5.
  const int bins = std::max(5, static_cast<int>(std::ceil(std::log2(static_cast<double>(points.size())) + 1)));
  const double width = std::max((high - low) / bins, 1e-12);
  std::vector<double> counts(static_cast<std::size_t>(bins), 0);
  for (const auto& p : points)
    counts[static_cast<std::size_t>(std::min(bins - 1, static_cast<int>((p.predicted - p.truth - low) / width)))] += 1;
  auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
  bars->setWidth(width * 0.95);
  bars->setBrush(QColor(0x1f, 0x77, 0xb4));
  bars->setPen(Qt::NoPen);
  double most = 0;
  for (int b = 0; b < bins; ++b) {
    bars->addData(low + (b + 0.5) * width, counts[static_cast<std::size_t>(b)]);
    most = std::max(most, counts[static_cast<std::size_t>(b)]);
  }
  plot->xAxis->setRange(low - width, high + width);
  plot->yAxis->setRange(0, most * 1.1 + 1);
  plot->xAxis->setLabel(unit.isEmpty() ? QCoreApplication::translate("EvaluationCharts", "residual")
                                       : QCoreApplication::translate("EvaluationCharts", "residual (%1)").arg(unit));
  plot->yAxis->setLabel(QCoreApplication::translate("EvaluationCharts", "samples"));
  plot->replot();
}

}  // namespace cradle
