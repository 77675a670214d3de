#include "widgets/preferences_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

#include "widgets/main_window.h"
#include "widgets/theme.h"
#include "widgets/translation.h"

namespace cradle {

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Preferences"));
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  auto* row = new QHBoxLayout;
  workspace_ = new QLineEdit(MainWindow::configuredWorkspace(), this);
  workspace_->setObjectName(QStringLiteral("workspace"));
  workspace_->setToolTip(tr("New experiments are saved here, and runs under its runs/ folder."));
  workspace_->setMinimumWidth(360);
  row->addWidget(workspace_, 1);
  auto* browse = new QToolButton(this);
  browse->setText(tr("Browse..."));
  connect(browse, &QToolButton::clicked, this, [this] {
    const QString chosen = QFileDialog::getExistingDirectory(this, tr("Workspace"), workspace_->text());
    if (!chosen.isEmpty()) workspace_->setText(chosen);
  });
  row->addWidget(browse);
  form->addRow(tr("Workspace:"), row);

  language_ = new QComboBox(this);
  language_->setObjectName(QStringLiteral("language"));
  language_->addItem(tr("As the System"), QStringLiteral("system"));
  language_->addItem(QStringLiteral("English"), QStringLiteral("en"));
  language_->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
  language_->setCurrentIndex(std::max(0, language_->findData(configured_language())));
  form->addRow(tr("Language:"), language_);
  form->addRow(QString(), new QLabel(tr("The language changes at the next start."), this));

  theme_ = new QComboBox(this);
  theme_->setObjectName(QStringLiteral("theme"));
  theme_->addItem(tr("As the Desktop"), QStringLiteral("system"));
  theme_->addItem(tr("Light"), QStringLiteral("light"));
  theme_->addItem(tr("Dark"), QStringLiteral("dark"));
  theme_->setCurrentIndex(std::max(0, theme_->findData(configured_theme())));
  form->addRow(tr("Colours:"), theme_);
  layout->addLayout(form);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

QString PreferencesDialog::workspace() const { return workspace_->text().trimmed(); }
QString PreferencesDialog::language() const { return language_->currentData().toString(); }
QString PreferencesDialog::theme() const { return theme_->currentData().toString(); }

void PreferencesDialog::save() const {
  QSettings settings;
  if (!workspace().isEmpty()) settings.setValue(QStringLiteral("workspace"), workspace());
  settings.setValue(QStringLiteral("language"), language());
  settings.setValue(QStringLiteral("theme"), theme());
}

}  // namespace cradle
