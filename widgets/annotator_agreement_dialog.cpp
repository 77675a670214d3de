#include "widgets/annotator_agreement_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "widgets/palette_colors.h"

namespace cradle {
namespace {

QTableWidget* table(QWidget* parent, const QStringList& headers, int rows) {
  auto* t = new QTableWidget(rows, static_cast<int>(headers.size()), parent);
  t->setHorizontalHeaderLabels(headers);
  t->verticalHeader()->hide();
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  t->horizontalHeader()->setStretchLastSection(true);
  return t;
}

void set_cell(QTableWidget* t, int row, int column, const QString& text) {
  auto* item = new QTableWidgetItem(text);
  if (column > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  t->setItem(row, column, item);
}

}  // namespace

AnnotatorAgreementDialog::AnnotatorAgreementDialog(const QString& set_folder, QWidget* parent)
    : QDialog(parent), folder_(set_folder) {
  setWindowTitle(tr("Annotators of %1").arg(QFileInfo(set_folder).fileName()));
  resize(640, 480);
  auto* layout = new QVBoxLayout(this);
  QStringList unreadable;
  const QDir dir(set_folder);
  for (const QString& name : dir.entryList({QStringLiteral("*.jsonl")}, QDir::Files, QDir::Name)) {
    try {
      labels_.push_back(read_preference_labels(dir.filePath(name).toStdString()));
      names_ << QFileInfo(name).completeBaseName();
    } catch (const std::exception& e) {
      unreadable << QString::fromStdString(e.what());  // a prompt file, or a damaged label file: named, not counted
    }
  }

  layout->addWidget(new QLabel(tr("Each annotator's labels:"), this));
  annotators_ = table(this, {tr("Annotator"), tr("Labels"), tr("Left/right decided"), tr("Ties"), tr("Skipped")},
                      static_cast<int>(names_.size()));
  annotators_->setObjectName(QStringLiteral("annotatorTable"));
  for (int i = 0; i < names_.size(); ++i) {
    int decided = 0, ties = 0, skips = 0;
    for (const auto& l : labels_[static_cast<std::size_t>(i)]) {
      if (l.verdict == PairVerdict::Tie)
        ++ties;
      else if (l.verdict == PairVerdict::Skip)
        ++skips;
      else
        ++decided;
    }
    set_cell(annotators_, i, 0, names_[i]);
    set_cell(annotators_, i, 1, QString::number(labels_[static_cast<std::size_t>(i)].size()));
    set_cell(annotators_, i, 2, QString::number(decided));
    set_cell(annotators_, i, 3, QString::number(ties));
    set_cell(annotators_, i, 4, QString::number(skips));
  }
  layout->addWidget(annotators_);

  layout->addWidget(
      new QLabel(tr("Agreement on the items both labelled (skips left out; kappa corrects for chance):"), this));
  const int pairs = static_cast<int>(names_.size() * (names_.size() - 1) / 2);
  agreement_ =
      table(this, {tr("Annotator"), tr("Annotator"), tr("Shared items"), tr("Agreement"), tr("Cohen's kappa")}, pairs);
  agreement_->setObjectName(QStringLiteral("agreementTable"));
  int row = 0;
  for (int a = 0; a < names_.size(); ++a)
    for (int b = a + 1; b < names_.size(); ++b, ++row) {
      const LabelAgreement agreement =
          label_agreement(labels_[static_cast<std::size_t>(a)], labels_[static_cast<std::size_t>(b)]);
      set_cell(agreement_, row, 0, names_[a]);
      set_cell(agreement_, row, 1, names_[b]);
      set_cell(agreement_, row, 2, QString::number(agreement.shared));
      set_cell(agreement_, row, 3,
               agreement.shared ? QStringLiteral("%1%").arg(100 * agreement.percent, 0, 'f', 1) : tr("n/a"));
      set_cell(agreement_, row, 4, agreement.shared ? QString::number(agreement.kappa, 'f', 3) : tr("n/a"));
    }
  layout->addWidget(agreement_);

  problems_ = new QLabel(this);
  problems_->setWordWrap(true);
  problems_->setStyleSheet(QStringLiteral("color: %1;").arg(warning_color(palette()).name()));
  problems_->setText(
      unreadable.isEmpty() ? QString() : tr("Not read as label files: %1").arg(unreadable.join(QStringLiteral("; "))));
  problems_->setVisible(!unreadable.isEmpty());
  layout->addWidget(problems_);

  auto* mergeRow = new QHBoxLayout;
  mergeRow->addWidget(new QLabel(tr("Merge with:"), this));
  policy_ = new QComboBox(this);
  policy_->setObjectName(QStringLiteral("mergePolicy"));
  policy_->addItem(tr("majority (an even split becomes a tie)"), QStringLiteral("majority"));
  policy_->addItem(tr("unanimous (only items everyone judged alike)"), QStringLiteral("unanimous"));
  policy_->addItem(tr("first (the first annotator above wins)"), QStringLiteral("first"));
  mergeRow->addWidget(policy_);
  auto* merge = new QPushButton(tr("Write Merged Set"), this);
  merge->setObjectName(QStringLiteral("writeMerged"));
  merge->setEnabled(!names_.isEmpty());
  mergeRow->addWidget(merge);
  mergeRow->addStretch(1);
  layout->addLayout(mergeRow);
  result_ = new QLabel(this);
  result_->setWordWrap(true);
  layout->addWidget(result_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  layout->addWidget(buttons);
  connect(merge, &QPushButton::clicked, this, [this] { writeMerged(); });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void AnnotatorAgreementDialog::setPolicy(const QString& policy) { policy_->setCurrentIndex(policy_->findData(policy)); }

QString AnnotatorAgreementDialog::writeMerged() {
  const QString policy = policy_->currentData().toString();
  const QString folder = QDir(folder_).filePath(QStringLiteral("merged"));
  const QString path = QDir(folder).filePath(policy + QStringLiteral(".jsonl"));
  try {
    const auto merged = merge_labels(labels_, policy.toStdString());
    QDir().mkpath(folder);
    write_preference_labels(path.toStdString(), merged);
    result_->setText(tr("%1 items from %2 annotators in %3; the rating panel's Train on list offers it.")
                         .arg(merged.size())
                         .arg(names_.size())
                         .arg(path));
    merged_ = path;
    return path;
  } catch (const std::exception& e) {
    result_->setText(QString::fromStdString(e.what()));
    return QString();
  }
}

}  // namespace cradle
