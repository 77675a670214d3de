#pragma once
// Wizard page 4: the experiment file exactly as it will be saved (read-only,
// copyable), the core's verdict on it, and where it is saved.
#include "widgets/wizard_page.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace cradle {

class ReviewPage : public WizardPage {
  Q_OBJECT

 public:
  ReviewPage(ExperimentDocument* document, QWidget* parent = nullptr);

  QString savePath() const;
  void setSavePath(const QString& path);
  bool savePathChosen() const { return chosen_; }  // typed or browsed, not derived from the name
  QString verdict() const;
  QString jsonText() const;
  bool isComplete() const override;

 Q_SIGNALS:
  void savePathChanged(const QString& path);

 private:
  void refresh();
  QPlainTextEdit* json_;
  QLabel* verdict_;
  QLineEdit* path_;
  bool chosen_ = false;
};

}  // namespace cradle
