#include "widgets/confusion_matrix_plot.h"

#include <QFontMetrics>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/category_axis.h"
#include "widgets/custom_plot.h"

namespace cradle {

namespace {

QString cell_label_name(int truth, int predicted) { return QStringLiteral("cell_%1_%2").arg(truth).arg(predicted); }

// A point smaller than the widget's own beyond ten classes: more cells fit their counts.
QFont count_font(QFont font, int classes) {
  if (classes > 10) font.setPointSizeF(std::max(6.0, font.pointSizeF() - 1));
  return font;
}

}  // namespace

ConfusionMatrixPlot::ConfusionMatrixPlot(QWidget* parent)
    : QWidget(parent), scroll_(new QScrollArea(this)), plot_(new QCustomPlot) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  scroll_->setObjectName(QStringLiteral("confusionScroll"));
  scroll_->setFrameShape(QFrame::NoFrame);
  scroll_->setWidgetResizable(true);  // fills the view when it fits, scrolls past its minimum size when not
  scroll_->setWidget(plot_);
  layout->addWidget(scroll_);
  plot_->setObjectName(QStringLiteral("confusionPlot"));
  plot_->setMouseTracking(true);
  plot_->xAxis->setLabel(tr("Predicted class"));
  plot_->yAxis->setLabel(tr("True class"));
  plot_->yAxis->setRangeReversed(true);  // the first class at the top, as a table reads
  setMinimumSize(200, 150);
  connect(plot_, &QCustomPlot::afterLayout, this, &ConfusionMatrixPlot::fitCountsToCells);
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    int truth = 0, predicted = 0;
    if (cellAt(plot_->mapTo(this, event->position().toPoint()), &truth, &predicted))
      Q_EMIT cellClicked(truth, predicted);
  });
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
    int truth = 0, predicted = 0;
    if (cellAt(plot_->mapTo(this, event->position().toPoint()), &truth, &predicted))
      QToolTip::showText(event->globalPosition().toPoint(), cellDescription(truth, predicted), plot_);
    else
      QToolTip::hideText();
  });
}

void ConfusionMatrixPlot::clear() {
  plot_->clearPlottables();
  plot_->clearItems();
  plot_->plotLayout()->simplify();
  map_ = nullptr;
  classes_ = 0;
  counts_.clear();
  names_.clear();
  countStyle_ = CountStyle::Hidden;
  plot_->setMinimumSize(0, 0);
  plot_->replot();
  Q_EMIT matrixChanged();
}

void ConfusionMatrixPlot::setMatrix(const std::vector<std::vector<std::int64_t>>& confusion,
                                    const std::vector<std::string>& class_names, const QString& title) {
  clear();
  classes_ = static_cast<int>(confusion.size());
  counts_ = confusion;
  names_ = class_names;
  if (classes_ == 0) return;
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->data()->setSize(classes_, classes_);
  map_->data()->setRange(QCPRange(0, classes_ - 1), QCPRange(0, classes_ - 1));
  const QFont countFont = count_font(font(), classes_);
  for (int t = 0; t < classes_; ++t) {
    std::int64_t row = 0;
    for (const auto c : confusion[static_cast<std::size_t>(t)]) row += c;
    for (int p = 0; p < classes_; ++p) {
      const auto count = confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
      const double share = row > 0 ? static_cast<double>(count) / static_cast<double>(row) : 0.0;
      map_->data()->setCell(p, t, share);
      if (classes_ > kMostClassesWithCounts) continue;
      auto* label = new QCPItemText(plot_);
      label->position->setCoords(p, t);
      label->setText(QString::number(count));
      label->setObjectName(cell_label_name(t, p));
      label->setColor(share > 0.55 ? Qt::white : Qt::black);
      label->setFont(countFont);
    }
  }
  QCPColorGradient gradient;  // white to deep blue, as matplotlib's "Blues"
  gradient.setColorStopAt(0, QColor(0xf7, 0xfb, 0xff));
  gradient.setColorStopAt(0.5, QColor(0x6b, 0xae, 0xd6));
  gradient.setColorStopAt(1, QColor(0x08, 0x30, 0x6b));
  gradient.setLevelCount(64);
  map_->setGradient(gradient);
  map_->setDataRange(QCPRange(0, 1));
  map_->setInterpolate(false);
  QStringList names;
  for (const auto& name : class_names) names << QString::fromStdString(name);
  set_category_axis(plot_->xAxis, names);
  set_category_axis(plot_->yAxis, names);
  plot_->xAxis->setRange(-0.5, classes_ - 0.5);
  plot_->yAxis->setRange(-0.5, classes_ - 0.5);
  for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
    axis->grid()->setVisible(false);
    axis->setTicks(true);
    axis->setTickLength(0, 4);  // outward: a tick drawn into the first cell read as a minus sign on its count
    axis->setSubTicks(false);
  }
  if (plot_->plotLayout()->rowCount() == 1) {
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(
        0, 0, new QCPTextElement(plot_, title, QFont(font().family(), font().pointSize() + 1, QFont::Bold)));
  } else if (auto* heading = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) {
    heading->setText(title);
  }
  plot_->replot();  // lays out the labels: the margins they need are known from here on
  sizeForMinimumCells();
  plot_->replot();
  Q_EMIT matrixChanged();
}

void ConfusionMatrixPlot::sizeForMinimumCells() {
  QCPAxisRect* rect = plot_->axisRect();
  const QMargins margins = rect->margins();
  int titleHeight = 0;
  if (plot_->plotLayout()->rowCount() > 1)
    if (auto* heading = plot_->plotLayout()->element(0, 0))
      titleHeight = heading->minimumOuterSizeHint().height() + plot_->plotLayout()->rowSpacing();
  const int cells = classes_ * kMinimumCellPixels;
  plot_->setMinimumSize(margins.left() + margins.right() + cells + 2,
                        margins.top() + margins.bottom() + titleHeight + cells + 2);
}

int ConfusionMatrixPlot::widestCount(bool shortened, const QFont& countFont) const {
  const QFontMetrics metrics(countFont);
  int widest = 0;
  for (const auto& row : counts_)
    for (const auto count : row)
      widest = std::max(widest, metrics.horizontalAdvance(shortened ? shortenedCount(count) : QString::number(count)));
  return widest;
}

int ConfusionMatrixPlot::comfortableWidth() const {
  if (classes_ == 0) return 0;
  const QMargins margins = plot_->axisRect()->margins();
  const int cell = classes_ > kMostClassesWithCounts
                       ? kMinimumCellPixels
                       : std::max(kMinimumCellPixels, widestCount(false, count_font(font(), classes_)) + kCountPadding);
  return margins.left() + margins.right() + classes_ * cell + 2 + scroll_->verticalScrollBar()->sizeHint().width();
}

void ConfusionMatrixPlot::fitCountsToCells() {
  countStyle_ = CountStyle::Hidden;
  if (!map_ || classes_ > kMostClassesWithCounts) return;
  // In order of preference: every count in full, in the usual font and then
  // up to two points smaller (not below 7), then shortened the same way.
  const QSize cell = cellPixels();
  const QFont usual = count_font(font(), classes_);
  QFont chosen = usual;
  for (const CountStyle style : {CountStyle::Full, CountStyle::Shortened}) {
    for (const double smaller : {0.0, 1.0, 2.0}) {
      QFont candidate = usual;
      candidate.setPointSizeF(std::max(7.0, usual.pointSizeF() - smaller));
      if (QFontMetrics(candidate).height() <= cell.height() &&
          widestCount(style == CountStyle::Shortened, candidate) + kCountPadding <= cell.width()) {
        countStyle_ = style;
        chosen = candidate;
        break;
      }
    }
    if (countStyle_ != CountStyle::Hidden) break;
  }
  for (int i = 0; i < plot_->itemCount(); ++i) {
    auto* text = qobject_cast<QCPItemText*>(plot_->item(i));
    if (!text) continue;
    const QStringList parts = text->objectName().split(QLatin1Char('_'));
    if (parts.size() != 3) continue;
    const auto count = counts_[parts[1].toULongLong()][parts[2].toULongLong()];
    text->setVisible(countStyle_ != CountStyle::Hidden);
    text->setFont(chosen);
    text->setText(countStyle_ == CountStyle::Shortened ? shortenedCount(count) : QString::number(count));
  }
}

QString ConfusionMatrixPlot::shortenedCount(std::int64_t count) {
  const auto scaled = [](double value, const char* unit) {  // one decimal below ten, none when it is 0
    const QString figure = value < 9.95 ? QString::number(value, 'f', 1) : QString::number(std::llround(value));
    return (figure.endsWith(QLatin1String(".0")) ? figure.chopped(2) : figure) + QLatin1String(unit);
  };
  if (count < 1000) return QString::number(count);
  if (count < 999500) return scaled(static_cast<double>(count) / 1e3, "k");
  return scaled(static_cast<double>(count) / 1e6, "M");
}

std::int64_t ConfusionMatrixPlot::shownCount(int truth, int predicted) const {
  if (countStyle_ != CountStyle::Full) return -1;
  for (int i = 0; i < plot_->itemCount(); ++i)
    if (auto* text = qobject_cast<QCPItemText*>(plot_->item(i));
        text && text->objectName() == cell_label_name(truth, predicted))
      return text->visible() ? text->text().toLongLong() : -1;
  return -1;
}

QString ConfusionMatrixPlot::cellDescription(int truth, int predicted) const {
  if (truth < 0 || predicted < 0 || truth >= classes_ || predicted >= classes_) return {};
  const auto& row = counts_[static_cast<std::size_t>(truth)];
  std::int64_t total = 0;
  for (const auto c : row) total += c;
  const auto count = row[static_cast<std::size_t>(predicted)];
  const auto name = [this](int i) {
    return static_cast<std::size_t>(i) < names_.size() ? QString::fromStdString(names_[static_cast<std::size_t>(i)])
                                                       : QString::number(i);
  };
  const double percent = total > 0 ? 100.0 * static_cast<double>(count) / static_cast<double>(total) : 0.0;
  return tr("True %1, predicted %2: %3 of %4 (%5%)")
      .arg(name(truth), name(predicted))
      .arg(count)
      .arg(total)
      .arg(QString::number(percent, 'f', 1));
}

QSize ConfusionMatrixPlot::cellPixels() const {
  if (classes_ == 0) return {};
  const QRect rect = plot_->axisRect()->rect();
  return {rect.width() / classes_, rect.height() / classes_};
}

bool ConfusionMatrixPlot::cellAt(const QPoint& point, int* truth, int* predicted) const {
  if (!map_) return false;
  const QPoint local = plot_->mapFrom(this, point);
  const int p = static_cast<int>(std::lround(plot_->xAxis->pixelToCoord(local.x())));
  const int t = static_cast<int>(std::lround(plot_->yAxis->pixelToCoord(local.y())));
  if (p < 0 || t < 0 || p >= classes_ || t >= classes_ || !plot_->axisRect()->rect().contains(local)) return false;
  *truth = t;
  *predicted = p;
  return true;
}

QPoint ConfusionMatrixPlot::cellCentre(int truth, int predicted) const {
  const QPoint local(static_cast<int>(plot_->xAxis->coordToPixel(predicted)),
                     static_cast<int>(plot_->yAxis->coordToPixel(truth)));
  return plot_->mapTo(this, local);
}

}  // namespace cradle
