#pragma once
// The rating panel's "What to rate" form: a prompt set and one or two chat
// runs (or a pairs file), the sampling settings, and the annotator's name.
#include <QWidget>

#include "core/align/rating_sitting.h"

class QCheckBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace cradle {

class RatingSetupForm : public QWidget {
  Q_OBJECT

 public:
  explicit RatingSetupForm(QWidget* parent = nullptr);

  RatingSession session() const;
  void setSession(const RatingSession& session);
  // Where the browse dialogs open (the workspace's runs folder, say).
  void setBrowseFolder(const QString& folder) { browseFolder_ = folder; }

 Q_SIGNALS:
  void startRequested(const cradle::RatingSession& session);

 private:
  QLineEdit* pathRow(const QString& placeholder, bool folder, QFormLayout* form, const QString& label);
  void updateEnabled();

  QRadioButton *generate_, *fromFile_;
  QLineEdit *prompts_, *runA_, *runB_, *pairs_, *annotator_;
  QSpinBox *maxTokens_, *topK_, *seed_;
  QDoubleSpinBox *temperature_, *topP_;
  QPushButton* start_;
  QString browseFolder_;
};

}  // namespace cradle
