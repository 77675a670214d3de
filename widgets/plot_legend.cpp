#include "widgets/plot_legend.h"

#include "widgets/custom_plot.h"

namespace cradle {

void place_legend_above_plot(QCustomPlot* plot) {
  QCPLegend* legend = plot->legend;
  QCPLayoutGrid* grid = plot->plotLayout();
  if (legend->layout() == grid) return;
  if (QCPLayoutInset* inset = plot->axisRect()->insetLayout(); inset->take(legend)) inset->simplify();
  int row = 0;
  for (int r = 0; r < grid->rowCount(); ++r)
    if (grid->element(r, 0) == plot->axisRect()) row = r;
  grid->insertRow(row);
  grid->addElement(row, 0, legend);
  grid->setRowStretchFactor(row, 0.001);  // as tall as its entries, the rest for the plot
  legend->setFillOrder(QCPLegend::foColumnsFirst);
  legend->setBorderPen(Qt::NoPen);
  legend->setBrush(Qt::NoBrush);
  legend->setMargins(QMargins(4, 0, 4, 0));
  legend->setIconSize(20, 10);  // compact: three entries fit a 200-pixel-wide chart
  legend->setIconTextPadding(4);
}

}  // namespace cradle
