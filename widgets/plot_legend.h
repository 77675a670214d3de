#pragma once
// Legends in a row of their own above the plot, not inside it: a legend in a
// corner of the axis rect covered data (the accuracy curve rises into the top
// right; the per-class scores reach the top). Entries run left to right.
class QCustomPlot;

namespace cradle {

// Moves `plot`'s legend (from wherever it is) into a row just above its axis
// rect, below any heading. Calling it again changes nothing.
void place_legend_above_plot(QCustomPlot* plot);

}  // namespace cradle
