#pragma once
// Edit > Preferences: the workspace folder (new experiments and runs), the
// language (applied at the next start) and the colour theme. Stored in
// QSettings as "workspace", "language" and "theme".
#include <QDialog>

class QComboBox;
class QLineEdit;

namespace cradle {

class PreferencesDialog : public QDialog {
  Q_OBJECT

 public:
  explicit PreferencesDialog(QWidget* parent = nullptr);

  QString workspace() const;
  QString language() const;
  QString theme() const;
  // Stores the choices (called on OK).
  void save() const;

 private:
  QLineEdit* workspace_;
  QComboBox* language_;
  QComboBox* theme_;
};

}  // namespace cradle
