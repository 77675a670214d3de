#pragma once
// The annotators of one label set (the *.jsonl files of its folder): how many
// labels each gave, how far any two agree on the items both labelled (percent
// and Cohen's kappa), and a merged set under a chosen conflict policy
// (core/align/preference_labels.h), written to <set>/merged/<policy>.jsonl to train on.
#include <QDialog>
#include <QString>

#include <vector>

#include "core/align/preference_labels.h"

class QComboBox;
class QLabel;
class QTableWidget;

namespace cradle {

class AnnotatorAgreementDialog : public QDialog {
  Q_OBJECT

 public:
  AnnotatorAgreementDialog(const QString& set_folder, QWidget* parent = nullptr);

  QTableWidget* annotatorTable() const { return annotators_; }
  QTableWidget* agreementTable() const { return agreement_; }
  // Writes the merged set with the policy chosen; its path, or empty (the reason shown).
  QString writeMerged();
  void setPolicy(const QString& policy);
  QString mergedFile() const { return merged_; }

 private:
  QString folder_;
  QStringList names_;
  std::vector<std::vector<PreferenceLabel>> labels_;
  QTableWidget *annotators_, *agreement_;
  QComboBox* policy_;
  QLabel *result_, *problems_;
  QString merged_;
};

}  // namespace cradle
