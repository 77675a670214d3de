#include "widgets/confusion_matrix_plot.h"

#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/category_axis.h"
#include "widgets/custom_plot.h"

namespace cradle {

ConfusionMatrixPlot::ConfusionMatrixPlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setObjectName(QStringLiteral("confusionPlot"));
  plot_->xAxis->setLabel(tr("Predicted class"));
  plot_->yAxis->setLabel(tr("True class"));
  plot_->yAxis->setRangeReversed(true);  // the first class at the top, as a table reads
  setMinimumSize(200, 150);
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    int truth = 0, predicted = 0;
    if (cellAt(plot_->mapTo(this, event->position().toPoint()), &truth, &predicted)) Q_EMIT cellClicked(truth, predicted);
  });
}

void ConfusionMatrixPlot::clear() {
  plot_->clearPlottables();
  plot_->clearItems();
  plot_->plotLayout()->simplify();
  map_ = nullptr;
  classes_ = 0;
  counts_.clear();
  plot_->replot();
}

void ConfusionMatrixPlot::setMatrix(const std::vector<std::vector<std::int64_t>>& confusion,
                                    const std::vector<std::string>& class_names, const QString& title) {
  clear();
  classes_ = static_cast<int>(confusion.size());
  counts_ = confusion;
  if (classes_ == 0) return;
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->data()->setSize(classes_, classes_);
  map_->data()->setRange(QCPRange(0, classes_ - 1), QCPRange(0, classes_ - 1));
  const bool many = classes_ > 20;  // too small to write in: the tooltip-less colours still tell
  for (int t = 0; t < classes_; ++t) {
    std::int64_t row = 0;
    for (const auto c : confusion[static_cast<std::size_t>(t)]) row += c;
    for (int p = 0; p < classes_; ++p) {
      const auto count = confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
      map_->data()->setCell(p, t, row > 0 ? static_cast<double>(count) / static_cast<double>(row) : 0.0);
      if (many) continue;
      auto* label = new QCPItemText(plot_);
      label->position->setCoords(p, t);
      label->setText(QString::number(count));
      label->setObjectName(QStringLiteral("cell_%1_%2").arg(t).arg(p));
      const double share = row > 0 ? static_cast<double>(count) / static_cast<double>(row) : 0.0;
      label->setColor(share > 0.55 ? Qt::white : Qt::black);
      QFont f = font();
      f.setPointSizeF(std::max(6.0, f.pointSizeF() - (classes_ > 10 ? 2 : 0)));
      label->setFont(f);
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
  plot_->xAxis->grid()->setVisible(false);
  plot_->yAxis->grid()->setVisible(false);
  if (plot_->plotLayout()->rowCount() == 1) {
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, title, QFont(font().family(), font().pointSize() + 1, QFont::Bold)));
  } else if (auto* heading = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) {
    heading->setText(title);
  }
  plot_->replot();
}

std::int64_t ConfusionMatrixPlot::shownCount(int truth, int predicted) const {
  for (int i = 0; i < plot_->itemCount(); ++i)
    if (auto* text = qobject_cast<QCPItemText*>(plot_->item(i)); text && text->objectName() == QStringLiteral("cell_%1_%2").arg(truth).arg(predicted))
      return text->text().toLongLong();
  return -1;
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
  const QPoint local(static_cast<int>(plot_->xAxis->coordToPixel(predicted)), static_cast<int>(plot_->yAxis->coordToPixel(truth)));
  return plot_->mapTo(this, local);
}

}  // namespace cradle
