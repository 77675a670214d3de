#include "widgets/export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/export/model_bundle.h"
#include "core/run/run_index.h"
#include "core/serve/prediction_service.h"
#include "core/serve/sample_requests.h"
#include "widgets/palette_colors.h"

namespace cradle {
namespace {

struct ExportOutcome {
  QString text;  // the files and checks, or the error
  bool ok = false;
};

// What the export wrote and what the runtimes found, as the CLI prints it.
QString describe_export(const Json& manifest, const QString& destination) {
  QStringList lines;
  lines << QObject::tr("Bundle %1: %2 model (%3), %4 input %5")
               .arg(destination, QString::fromStdString(manifest["model"]["type"].get<std::string>()),
                    QString::fromStdString(manifest["task"].get<std::string>()),
                    QString::fromStdString(manifest["input"]["kind"].get<std::string>()),
                    QString::fromStdString(manifest["input"]["shape"].dump()));
  lines << QStringLiteral("  %1  %2").arg(QStringLiteral("manifest"), -12).arg(QStringLiteral("bundle.json"));
  for (const auto& [what, file] : manifest["files"].items())
    lines << QStringLiteral("  %1  %2")
                 .arg(QString::fromStdString(what), -12)
                 .arg(QString::fromStdString(file.get<std::string>()));
  if (manifest.contains("onnx")) {
    const Json& onnx = manifest["onnx"];
    lines << QObject::tr("ONNX opset %1, %2 nodes: %3; the ONNX checker passed")
                 .arg(onnx["opset"].get<std::int64_t>())
                 .arg(onnx["nodes"].get<std::int64_t>())
                 .arg(QString::fromStdString(onnx["signature"].get<std::string>()));
    for (const auto& check : onnx["runtime_checks"])
      lines << QObject::tr("  %1 on %2 inputs: max |difference| from LibTorch %3 (tolerance %4): passed")
                   .arg(QString::fromStdString(check["runtime"].get<std::string>()))
                   .arg(check["samples"].get<std::int64_t>())
                   .arg(check["max_abs_difference"].get<double>(), 0, 'g', 3)
                   .arg(check["tolerance"].get<double>(), 0, 'g', 1);
  }
  return lines.join(QLatin1Char('\n'));
}

}  // namespace

ExportDialog::ExportDialog(const QString& runs_folder, const QString& run, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Export Model"));
  setObjectName(QStringLiteral("exportDialog"));
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  run_ = new QComboBox(this);
  for (const auto& info : QDir(runs_folder).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time))
    if (QFile::exists(QDir(info.absoluteFilePath()).filePath(QStringLiteral("model/model.pt"))))
      run_->addItem(info.fileName(), info.absoluteFilePath());
  if (!run.isEmpty() && run_->findData(run) < 0) run_->addItem(QFileInfo(run).fileName(), run);
  if (!run.isEmpty()) run_->setCurrentIndex(run_->findData(run));
  form->addRow(tr("Run"), run_);
  auto* destinationRow = new QHBoxLayout;
  destination_ = new QLineEdit(this);
  destination_->setObjectName(QStringLiteral("exportDestination"));
  auto* browse = new QPushButton(tr("Browse…"), this);
  destinationRow->addWidget(destination_, 1);
  destinationRow->addWidget(browse);
  form->addRow(tr("Destination"), destinationRow);
  oneFile_ = new QCheckBox(tr("One .cradle file (a zip of the bundle folder)"), this);
  form->addRow(tr("Bundle"), oneFile_);
  auto* always = new QCheckBox(tr("Weights (LibTorch and safetensors), experiment, report and model card"), this);
  always->setChecked(true);
  always->setEnabled(false);  // every bundle holds them: it predicts with no other file
  always->setToolTip(tr("Always in a bundle"));
  form->addRow(QString(), always);
  onnx_ = new QCheckBox(tr("ONNX, checked against LibTorch by independent runtimes"), this);
  onnx_->setObjectName(QStringLiteral("exportOnnx"));
  form->addRow(QString(), onnx_);
  layout->addLayout(form);

  auto* buttons = new QHBoxLayout;
  export_ = new QPushButton(tr("Export"), this);
  export_->setObjectName(QStringLiteral("exportButton"));
  export_->setDefault(true);
  serve_ = new QPushButton(tr("Serve"), this);
  serve_->setObjectName(QStringLiteral("serveButton"));
  serve_->setEnabled(false);
  serve_->setToolTip(tr("Start the HTTP service for the exported bundle on this computer"));
  buttons->addWidget(export_);
  buttons->addWidget(serve_);
  buttons->addStretch(1);
  auto* close = new QPushButton(tr("Close"), this);
  buttons->addWidget(close);
  layout->addLayout(buttons);
  result_ = new QPlainTextEdit(this);
  result_->setObjectName(QStringLiteral("exportResult"));
  result_->setReadOnly(true);
  result_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  layout->addWidget(result_, 1);
  service_ = new QLabel(this);
  service_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  service_->setObjectName(QStringLiteral("serviceAddress"));
  service_->setWordWrap(true);
  service_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(service_);
  resize(760, 480);

  connect(run_, &QComboBox::currentIndexChanged, this, &ExportDialog::suggestDestination);
  connect(oneFile_, &QCheckBox::toggled, this, &ExportDialog::suggestDestination);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString chosen =
        oneFile_->isChecked()
            ? QFileDialog::getSaveFileName(this, tr("Bundle File"), destination_->text(),
                                           tr("Cradle bundles (*.cradle)"))
            : QFileDialog::getSaveFileName(this, tr("Bundle Folder (must not exist)"), destination_->text());
    if (!chosen.isEmpty()) destination_->setText(chosen);
  });
  connect(export_, &QPushButton::clicked, this,
          [this] { exportRun(run_->currentData().toString(), destination_->text(), onnx_->isChecked()); });
  connect(serve_, &QPushButton::clicked, this, [this] {
    if (server_)
      stopServing();
    else
      startServing();
  });
  connect(close, &QPushButton::clicked, this, &QDialog::accept);
  suggestDestination();
}

ExportDialog::~ExportDialog() { stopServing(); }

void ExportDialog::suggestDestination() {
  const QString run = run_->currentData().toString();
  if (run.isEmpty()) return;
  const QFileInfo info(run);
  const QString base = QDir(info.absolutePath()).filePath(QStringLiteral("../bundles/") + info.fileName());
  destination_->setText(QDir::cleanPath(base) + (oneFile_->isChecked() ? QStringLiteral(".cradle") : QString()));
}

void ExportDialog::exportRun(const QString& run, const QString& destination, bool onnx) {
  if (run.isEmpty() || destination.isEmpty()) return;
  stopServing();
  // The form shows what is exported, however the export was asked for.
  if (run_->findData(run) < 0) run_->addItem(QFileInfo(run).fileName(), run);
  run_->blockSignals(true);
  oneFile_->blockSignals(true);
  run_->setCurrentIndex(run_->findData(run));
  oneFile_->setChecked(destination.endsWith(QLatin1String(".cradle")));
  run_->blockSignals(false);
  oneFile_->blockSignals(false);
  destination_->setText(destination);
  onnx_->setChecked(onnx);
  export_->setEnabled(false);
  serve_->setEnabled(false);
  result_->setStyleSheet(QString());
  result_->setPlainText(onnx ? tr("Exporting %1 and checking its ONNX graph…").arg(run) : tr("Exporting %1…").arg(run));
  jobs_.start<ExportOutcome>(
      this,
      [run, destination, onnx] {
        ExportOutcome outcome;
        try {
          QDir().mkpath(QFileInfo(destination).absolutePath());
          const Json manifest = export_bundle(run.toStdString(), destination.toStdString(), onnx);
          outcome.text = describe_export(manifest, destination);
          // A run that did not finish exports as it stood: say so where the files are listed.
          if (const auto summary = summarize_run(run.toStdString()); summary && summary->status != RunStatus::Completed)
            outcome.text +=
                QLatin1Char('\n') +
                QObject::tr("Note: this run is %1 after %2 epochs; the bundle holds its weights as they were then.")
                    .arg(QString::fromStdString(to_string(summary->status)))
                    .arg(summary->epochs);
          outcome.ok = true;
        } catch (const std::exception& error) {
          outcome.text = QString::fromUtf8(error.what());
        }
        return outcome;
      },
      [this, destination](const ExportOutcome& outcome) {
        export_->setEnabled(true);
        if (!outcome.ok) {
          bundle_.clear();
          result_->setStyleSheet(QStringLiteral("color: %1").arg(error_color(palette()).name()));
          result_->setPlainText(tr("Export failed; nothing was written.\n%1").arg(outcome.text));
          Q_EMIT failed(outcome.text);
          return;
        }
        bundle_ = destination;
        result_->setPlainText(outcome.text);
        serve_->setEnabled(true);
        Q_EMIT exported();
      });
}

int ExportDialog::startServing() {
  if (bundle_.isEmpty()) return 0;
  stopServing();
  try {
    ServiceOptions options;
    options.host = "127.0.0.1";
    options.port = 0;  // a free port
    ModelBundle bundle = open_bundle(bundle_.toStdString());
    // Requests that work with this bundle, as `cradle-cli serve` prints them (and OpenAI's clients for a language
    // model); the address is known once the port is bound.
    const std::string placeholder = "http://ADDRESS";
    const auto samples = sample_requests(bundle, placeholder, false);
    server_ = std::make_unique<PredictionService>(std::move(bundle), options);
    const int port = server_->bind();
    serving_ = std::thread([s = server_.get()] { s->run(); });
    const QString address = QStringLiteral("http://127.0.0.1:%1").arg(port);
    QString text =
        tr("Serving on %1 — for example:").arg(address) + QStringLiteral("\n\ncurl -s %1/v1/health").arg(address);
    for (const auto& sample : samples)
      text += QStringLiteral("\n\n# %1\n%2")
                  .arg(QString::fromStdString(sample.title),
                       QString::fromStdString(sample.code).replace(QString::fromStdString(placeholder), address));
    service_->setText(text);
    serve_->setText(tr("Stop Serving"));
    return port;
  } catch (const std::exception& error) {
    server_.reset();
    service_->setText(tr("Could not serve %1: %2").arg(bundle_, QString::fromUtf8(error.what())));
    return 0;
  }
}

void ExportDialog::stopServing() {
  if (!server_) return;
  server_->stop();
  if (serving_.joinable()) serving_.join();
  server_.reset();
  service_->setText(tr("Stopped serving."));
  serve_->setText(tr("Serve"));
}

QString ExportDialog::resultText() const { return result_->toPlainText(); }
QString ExportDialog::serviceText() const { return service_->text(); }

}  // namespace cradle
