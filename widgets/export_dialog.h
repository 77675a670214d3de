#pragma once
// The Export dialog (issue 12): a finished run handed over as a model bundle
// (a folder, or one .cradle file) with the same core export as `cradle-cli
// export` — safetensors and the model card always inside, ONNX when chosen —
// run on a worker thread. It shows the files written and, for ONNX, each
// independent runtime's largest difference from LibTorch; a failed check is
// shown as the failure it is, with nothing written. "Serve" then starts the
// HTTP service (core/serve/) for the bundle on a free loopback port and shows
// its address and a sample request.
#include <QDialog>
#include <QString>

#include <memory>
#include <thread>

#include "widgets/background_job.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace cradle {

class PredictionService;

class ExportDialog : public QDialog {
  Q_OBJECT

 public:
  // `runs_folder`: the runs offered; `run`: the one chosen first (may be empty).
  ExportDialog(const QString& runs_folder, const QString& run, QWidget* parent = nullptr);
  ~ExportDialog() override;

  // Exports `run` to `destination` (a folder, or a file ending in .cradle); exported() or failed() when done.
  void exportRun(const QString& run, const QString& destination, bool onnx);
  bool busy() const { return jobs_.busy(); }
  QString resultText() const;  // what was written and the ONNX checks, or the failure
  QString bundlePath() const { return bundle_; }

  // Serves the exported bundle on 127.0.0.1 (a free port); the port, or 0 with the reason in resultText().
  int startServing();
  void stopServing();
  QString serviceText() const;

 Q_SIGNALS:
  void exported();
  void failed(const QString& message);

 private:
  void suggestDestination();

  BackgroundJobs jobs_;
  QString bundle_;
  QComboBox* run_ = nullptr;
  QLineEdit* destination_ = nullptr;
  QCheckBox* oneFile_ = nullptr;
  QCheckBox* onnx_ = nullptr;
  QPushButton* export_ = nullptr;
  QPushButton* serve_ = nullptr;
  QPlainTextEdit* result_ = nullptr;
  QLabel* service_ = nullptr;
  std::unique_ptr<PredictionService> server_;
  std::thread serving_;
};

}  // namespace cradle
