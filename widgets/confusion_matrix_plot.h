#pragma once
// A confusion matrix as a heat map (QCustomPlot's colour map): true classes
// down, predicted classes across, each cell's count written on it and its
// colour by the share of its true class (so a small class's mistakes show).
// Clicking a cell emits cellClicked(true class, predicted class).
#include <QWidget>

#include <cstdint>
#include <string>
#include <vector>

class QCustomPlot;
class QCPColorMap;

namespace cradle {

class ConfusionMatrixPlot : public QWidget {
  Q_OBJECT

 public:
  explicit ConfusionMatrixPlot(QWidget* parent = nullptr);

  void setMatrix(const std::vector<std::vector<std::int64_t>>& confusion, const std::vector<std::string>& class_names,
                 const QString& title);
  void clear();
  // The count shown in a cell (as drawn: read back from the colour map's labels).
  std::int64_t shownCount(int truth, int predicted) const;
  int classCount() const { return classes_; }
  // The cell under a point of this widget, as a click there selects it; false outside the matrix.
  bool cellAt(const QPoint& point, int* truth, int* predicted) const;
  QPoint cellCentre(int truth, int predicted) const;  // in this widget's coordinates
  QCustomPlot* plot() const { return plot_; }

 Q_SIGNALS:
  void cellClicked(int truth, int predicted);

 private:
  QCustomPlot* plot_;
  QCPColorMap* map_ = nullptr;
  int classes_ = 0;
  std::vector<std::vector<std::int64_t>> counts_;
};

}  // namespace cradle
