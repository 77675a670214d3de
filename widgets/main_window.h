#pragma once
// The studio's main window. At this stage it opens an experiment, validates it
// with the core and shows what it describes; the panels that edit and train
// it arrive with the later stages.
#include <QMainWindow>
#include <QString>

class QLabel;
class QPlainTextEdit;
class QFormLayout;

namespace cradle {

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Loads and validates the file; on failure shows the core's message in the
  // window (and returns false) and keeps whatever was open before.
  bool openExperiment(const QString& path);

  QString experimentPath() const { return experimentPath_; }
  QString errorText() const;

 private Q_SLOTS:
  void chooseExperiment();
  void showAbout();

 private:
  void createMenus();

  QString experimentPath_;
  QLabel* title_ = nullptr;
  QLabel* description_ = nullptr;
  QLabel* error_ = nullptr;
  QFormLayout* summary_ = nullptr;
  QPlainTextEdit* document_ = nullptr;
};

}  // namespace cradle
