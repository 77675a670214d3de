#pragma once
// Class names on a category axis (one tick per class at 0, 1, 2, ...), every
// one of them drawn. QCustomPlot silently skips a tick label that would cross
// the widget's edge, so the last class's label, rotated to the right, went
// missing on the class histogram, the confusion matrix and the per-class
// scores; the axis rect now keeps room for it.
#include <QString>
#include <QStringList>

class QCPAxis;

namespace cradle {

// Names longer than `max_characters` are shortened with an ellipsis. A bottom
// axis's labels are rotated by 45 degrees when there are more than four.
void set_category_axis(QCPAxis* axis, const QStringList& names, int max_characters = 14);

}  // namespace cradle
