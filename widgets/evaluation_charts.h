#pragma once
// The evaluation panel's charts, drawn into a QCustomPlot from an evaluation
// (core/eval/evaluation_result.h): precision, recall and F1 per class as
// grouped bars; for regression, predicted against true values with the
// identity line, and the histogram of residuals.
#include <QString>

#include "core/eval/evaluation_result.h"

class QCustomPlot;

namespace cradle {

void draw_class_scores(QCustomPlot* plot, const ClassificationReport& report,
                       const std::vector<std::string>& class_names);
void draw_predicted_against_true(QCustomPlot* plot, const std::vector<RegressionPoint>& points, const QString& unit);
void draw_residual_histogram(QCustomPlot* plot, const std::vector<RegressionPoint>& points, const QString& unit);

// Removes what a previous evaluation drew, keeping the plot's settings.
void clear_chart(QCustomPlot* plot);

}  // namespace cradle
