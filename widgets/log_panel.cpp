#include "widgets/log_panel.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include "widgets/palette_colors.h"

namespace cradle {

LogPanel::LogPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Show:"), this));
  filter_ = new QComboBox(this);
  filter_->setObjectName(QStringLiteral("logLevel"));
  filter_->addItem(tr("Everything"), static_cast<int>(Level::Info));
  filter_->addItem(tr("Warnings and errors"), static_cast<int>(Level::Warning));
  filter_->addItem(tr("Errors"), static_cast<int>(Level::Error));
  row->addWidget(filter_);
  row->addStretch();
  layout->addLayout(row);
  view_ = new QPlainTextEdit(this);
  view_->setObjectName(QStringLiteral("trainingLog"));
  view_->setReadOnly(true);
  view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  view_->setMaximumBlockCount(20000);
  layout->addWidget(view_);
  connect(filter_, qOverload<int>(&QComboBox::currentIndexChanged), this, &LogPanel::rebuild);
}

void LogPanel::add(Level level, const QString& text) {
  entries_.push_back({QDateTime::currentDateTime(), level, text});
  if (entries_.size() > 20000) entries_.erase(entries_.begin(), entries_.begin() + 1000);
  if (static_cast<int>(level) >= filter_->currentData().toInt()) showEntry(entries_.back());
}

void LogPanel::showEntry(const Entry& entry) {
  static const char* names[] = {"info", "warning", "error"};
  QString line = QStringLiteral("%1  %2  %3")
                     .arg(entry.time.toString(QStringLiteral("HH:mm:ss")),
                          QString::fromLatin1(names[static_cast<int>(entry.level)]).leftJustified(7), entry.text)
                     .toHtmlEscaped()
                     .replace(QLatin1Char('\n'), QStringLiteral("<br>"));
  if (entry.level == Level::Error)
    line = QStringLiteral("<span style=\"color:%1\">%2</span>").arg(error_color(palette()).name(), line);
  else if (entry.level == Level::Warning)
    line = QStringLiteral("<span style=\"color:%1\">%2</span>").arg(warning_color(palette()).name(), line);
  view_->appendHtml(QStringLiteral("<pre style=\"margin:0\">%1</pre>").arg(line));
}

void LogPanel::rebuild() {
  view_->clear();
  for (const Entry& entry : entries_)
    if (static_cast<int>(entry.level) >= filter_->currentData().toInt()) showEntry(entry);
}

QString LogPanel::text() const { return view_->toPlainText(); }

void LogPanel::setMinimumLevel(Level level) { filter_->setCurrentIndex(filter_->findData(static_cast<int>(level))); }

}  // namespace cradle
