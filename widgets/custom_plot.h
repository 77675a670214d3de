#pragma once
// QCustomPlot, included with Qt's keywords that its header uses (signals,
// foreach) and the project otherwise turns off (QT_NO_KEYWORDS: LibTorch has
// members named `slots`). Include this, never <qcustomplot.h> directly.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
