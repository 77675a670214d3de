#include "widgets/category_axis.h"

#include <QFontMetrics>

#include <algorithm>
#include <cmath>

#include "widgets/custom_plot.h"

namespace cradle {

void set_category_axis(QCPAxis* axis, const QStringList& names, int max_characters) {
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  QStringList shown;
  for (int i = 0; i < names.size(); ++i) {
    QString name = names[i];
    if (name.size() > max_characters) name = name.left(max_characters - 1) + QChar(0x2026);
    ticker->addTick(i, name);
    shown << name;
  }
  axis->setTicker(ticker);
  if (axis->axisType() != QCPAxis::atBottom) return;  // a side axis's labels stay level; their margin fits itself
  const bool rotated = names.size() > 4;
  axis->setTickLabelRotation(rotated ? 45 : 0);
  QCPAxisRect* rect = axis->axisRect();
  // A label rotated by 45 degrees reaches right of its tick by cos(45) of its
  // width: the last ones need that much room between the plot and the edge.
  int reach = 0;
  if (rotated) {
    const QFontMetrics metrics(axis->tickLabelFont());
    for (int i = std::max(0, static_cast<int>(shown.size()) - 2); i < shown.size(); ++i)
      reach =
          std::max(reach, static_cast<int>(std::ceil(metrics.horizontalAdvance(shown[i]) * std::cos(M_PI / 4))) + 6);
  }
  if (reach > 0) {
    rect->setAutoMargins(QCP::msLeft | QCP::msTop | QCP::msBottom);
    QMargins margins = rect->margins();
    margins.setRight(reach);
    rect->setMargins(margins);
  } else {
    rect->setAutoMargins(QCP::msAll);
  }
}

}  // namespace cradle
