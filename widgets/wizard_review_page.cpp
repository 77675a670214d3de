#include "widgets/wizard_review_page.h"

#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QVBoxLayout>

#include "widgets/palette_colors.h"

namespace cradle {

ReviewPage::ReviewPage(ExperimentDocument* document, QWidget* parent) : WizardPage(document, parent) {
  setTitle(tr("Review"));
  setSubTitle(tr("The experiment file as it will be saved. Save it, or save it and start training."));
  auto* layout = new QVBoxLayout(this);
  verdict_ = new QLabel(this);
  verdict_->setObjectName(QStringLiteral("reviewVerdict"));
  verdict_->setWordWrap(true);
  verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(verdict_);
  json_ = new QPlainTextEdit(this);
  json_->setObjectName(QStringLiteral("reviewJson"));
  json_->setReadOnly(true);  // selectable and copyable
  json_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  layout->addWidget(json_, 1);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Save to:"), this));
  path_ = new QLineEdit(this);
  path_->setObjectName(QStringLiteral("savePath"));
  path_->setToolTip(tr("The experiment file. Relative data paths are read from its folder."));
  row->addWidget(path_, 1);
  auto* browse = new QToolButton(this);
  browse->setText(tr("Browse..."));
  row->addWidget(browse);
  layout->addLayout(row);
  connect(path_, &QLineEdit::textEdited, this, [this](const QString& text) {
    chosen_ = true;
    Q_EMIT savePathChanged(text);
    Q_EMIT completeChanged();
  });
  connect(browse, &QToolButton::clicked, this, [this] {
    const QString chosen =
        QFileDialog::getSaveFileName(this, tr("Save Experiment"), path_->text(), tr("Experiment files (*.json)"));
    if (chosen.isEmpty()) return;
    path_->setText(chosen);
    chosen_ = true;
    Q_EMIT savePathChanged(chosen);
    Q_EMIT completeChanged();
  });
  connect(document_, &ExperimentDocument::changed, this, &ReviewPage::refresh);
  refresh();
}

QString ReviewPage::savePath() const { return path_->text().trimmed(); }
void ReviewPage::setSavePath(const QString& path) { path_->setText(path); }
QString ReviewPage::verdict() const { return verdict_->text(); }
QString ReviewPage::jsonText() const { return json_->toPlainText(); }

bool ReviewPage::isComplete() const { return document_->experiment().has_value() && !savePath().isEmpty(); }

void ReviewPage::refresh() {
  const QString canonical = document_->canonicalText();
  json_->setPlainText(canonical.isEmpty() ? QString::fromStdString(document_->json().dump(2) + "\n") : canonical);
  const bool valid = document_->experiment().has_value();
  verdict_->setText(valid ? tr("Valid: the core accepts this experiment.")
                          : tr("Not valid yet: %1").arg(document_->error()));
  verdict_->setStyleSheet(QStringLiteral("color: %1; font-weight: 600;")
                              .arg((valid ? success_color(palette()) : error_color(palette())).name()));
}

}  // namespace cradle
