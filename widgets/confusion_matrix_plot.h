#pragma once
// A confusion matrix as a heat map (QCustomPlot's colour map): true classes
// down, predicted classes across, each cell's colour by the share of its true
// class (so a small class's mistakes show). Cells never shrink below
// kMinimumCellPixels: a matrix that does not fit scrolls, as a spreadsheet
// does, so 100 classes read on a laptop screen. Counts are written in the
// cells while they fit (in a smaller font if need be), shortened ("1.2k")
// when only that fits, and left out when nothing fits; hovering a cell always
// tells its count.
// Clicking a cell emits cellClicked(true class, predicted class).
#include <QWidget>

#include <cstdint>
#include <string>
#include <vector>

class QCustomPlot;
class QCPColorMap;
class QScrollArea;

namespace cradle {

class ConfusionMatrixPlot : public QWidget {
  Q_OBJECT

 public:
  // Small enough for 10 classes in the Evaluate tab at 1280x800, large
  // enough for a class name in the default font on each row.
  static constexpr int kMinimumCellPixels = 18;
  // Above this many classes no cell could hold a count at a useful size.
  static constexpr int kMostClassesWithCounts = 40;
  static constexpr int kCountPadding = 4;  // pixels left beside a count in its cell

  enum class CountStyle { Full, Shortened, Hidden };

  explicit ConfusionMatrixPlot(QWidget* parent = nullptr);

  void setMatrix(const std::vector<std::vector<std::int64_t>>& confusion, const std::vector<std::string>& class_names,
                 const QString& title);
  void clear();
  // The count written in a cell, or -1 where none is written in full.
  std::int64_t shownCount(int truth, int predicted) const;
  CountStyle countStyle() const { return countStyle_; }
  // What hovering a cell shows: both class names, the count and its share of the true class.
  QString cellDescription(int truth, int predicted) const;
  int classCount() const { return classes_; }
  // The cell under a point of this widget, as a click there selects it; false outside the matrix.
  bool cellAt(const QPoint& point, int* truth, int* predicted) const;
  QPoint cellCentre(int truth, int predicted) const;  // in this widget's coordinates
  QSize cellPixels() const;                           // as last drawn
  // The width at which every cell holds its count in full (or, beyond
  // kMostClassesWithCounts, has its minimum size): what a layout offers it.
  int comfortableWidth() const;
  QCustomPlot* plot() const { return plot_; }
  QScrollArea* scrollArea() const { return scroll_; }

  // "1234" -> "1.2k", "1000" -> "1k", "56789" -> "57k", "2500000" -> "2.5M".
  static QString shortenedCount(std::int64_t count);

 Q_SIGNALS:
  void cellClicked(int truth, int predicted);
  void matrixChanged();  // after setMatrix and clear: the plot's minimum size may differ

 private:
  void fitCountsToCells();  // after each layout: which CountStyle the cells have room for
  void sizeForMinimumCells();
  int widestCount(bool shortened, const QFont& countFont) const;  // in pixels, of every cell's count as written

  QScrollArea* scroll_;
  QCustomPlot* plot_;
  QCPColorMap* map_ = nullptr;
  int classes_ = 0;
  std::vector<std::vector<std::int64_t>> counts_;
  std::vector<std::string> names_;
  CountStyle countStyle_ = CountStyle::Hidden;
};

}  // namespace cradle
