#pragma once
// Checks of an evaluation report made without Cradle's code: the macro F1
// recomputed from predictions.csv, and the HTML rendered by Chromium.
#include <QString>
#include <QStringList>

namespace cradle::test {

// Macro-averaged F1 over `classes` from a predictions.csv (index,true,predicted,...),
// a class never predicted counting precision 0. Class names must not hold commas.
double macro_f1_from_predictions(const QString& csv_file, const QStringList& classes);

struct RenderedPage {
  bool rendered = false;
  QString problem;  // why not, when not
  int images = 0;   // <img> elements
  int broken = 0;   // those that did not decode (naturalWidth 0)
  QString title;
};

// Opens a copy of `html_file` in headless Chromium (its own empty profile, no
// network) with a probe script added, and reads back what the page saw.
RenderedPage render_in_chromium(const QString& html_file);

}  // namespace cradle::test
