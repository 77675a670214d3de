#include "widgets/step_list_editor.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

#include "widgets/document_form.h"
#include "widgets/experiment_document.h"

namespace cradle {
namespace {

// "collapse_whitespace (keep_newlines: true)"
QString step_summary(const Json& step) {
  QString text = QString::fromStdString(step.value("op", std::string("?")));
  QStringList parameters;
  for (const auto& [key, value] : step.items())
    if (key != "op")
      parameters << QStringLiteral("%1: %2").arg(QString::fromStdString(key), display_value(value, FieldKind::Text));
  if (!parameters.isEmpty()) text += QStringLiteral("  (") + parameters.join(QStringLiteral(", ")) + QLatin1Char(')');
  return text;
}

FieldKind kind_of(const Json& value) {
  if (value.is_boolean()) return FieldKind::Bool;
  if (value.is_number_integer()) return FieldKind::Integer;
  if (value.is_number()) return FieldKind::Number;
  if (value.is_array())
    return !value.empty() && value.front().is_number() ? FieldKind::NumberOrList : FieldKind::TextList;
  return FieldKind::Text;
}

}  // namespace

StepListEditor::StepListEditor(ExperimentDocument* document, QString path, std::vector<std::string> operations,
                               std::function<Json(const std::string& op)> defaults, QWidget* parent)
    : QWidget(parent), document_(document), path_(std::move(path)), defaults_(std::move(defaults)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  list_ = new QListWidget(this);
  list_->setObjectName(path_ + QStringLiteral("/list"));
  list_->setMaximumHeight(list_->fontMetrics().lineSpacing() * 6 + 8);
  row->addWidget(list_, 1);
  auto* buttons = new QVBoxLayout;
  auto* add = new QToolButton(this);
  add->setText(tr("Add"));
  add->setObjectName(path_ + QStringLiteral("/add"));
  add->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(add);
  for (const auto& op : operations) menu->addAction(QString::fromStdString(op), this, [this, op] { addStep(op); });
  add->setMenu(menu);
  remove_ = new QToolButton(this);
  remove_->setText(tr("Remove"));
  up_ = new QToolButton(this);
  up_->setText(tr("Up"));
  down_ = new QToolButton(this);
  down_->setText(tr("Down"));
  for (QToolButton* button : {add, remove_, up_, down_}) {
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    buttons->addWidget(button);
  }
  buttons->addStretch();
  row->addLayout(buttons);
  layout->addLayout(row);
  connect(remove_, &QToolButton::clicked, this, [this] { removeStep(list_->currentRow()); });
  connect(up_, &QToolButton::clicked, this, [this] { moveStep(list_->currentRow(), -1); });
  connect(down_, &QToolButton::clicked, this, [this] { moveStep(list_->currentRow(), 1); });

  parameters_ = new QWidget(this);
  parameterLayout_ = new QFormLayout(parameters_);
  parameterLayout_->setContentsMargins(12, 0, 0, 0);
  layout->addWidget(parameters_);
  connect(list_, &QListWidget::currentRowChanged, this, [this] {
    if (refreshing_) return;
    showParameters();
  });
  connect(document_, &ExperimentDocument::changed, this, [this](const QString& edited) {
    if (edited != path_ || list_->count() != stepCount())
      refresh();
    else {  // this editor's own change: the list texts, not the editors being typed in
      const Json list = steps();
      for (int i = 0; i < list_->count() && i < static_cast<int>(list.size()); ++i)
        list_->item(i)->setText(step_summary(list[static_cast<size_t>(i)]));
    }
  });
  refresh();
}

Json StepListEditor::steps() const {
  const Json* found = document_->find(path_);
  return found && found->is_array() ? *found : Json::array();
}

void StepListEditor::setSteps(const Json& steps) { document_->set(path_, steps); }

int StepListEditor::stepCount() const { return static_cast<int>(steps().size()); }

void StepListEditor::addStep(const std::string& op) {
  Json list = steps();
  list.push_back(defaults_(op));
  setSteps(list);
  selectStep(static_cast<int>(list.size()) - 1);
}

void StepListEditor::removeStep(int index) {
  Json list = steps();
  if (index < 0 || index >= static_cast<int>(list.size())) return;
  list.erase(list.begin() + index);
  setSteps(list);
  selectStep(std::min(index, static_cast<int>(list.size()) - 1));
}

void StepListEditor::moveStep(int index, int offset) {
  Json list = steps();
  const int target = index + offset;
  if (index < 0 || target < 0 || index >= static_cast<int>(list.size()) || target >= static_cast<int>(list.size()))
    return;
  std::swap(list[static_cast<size_t>(index)], list[static_cast<size_t>(target)]);
  setSteps(list);
  selectStep(target);
}

void StepListEditor::selectStep(int index) {
  list_->setCurrentRow(index);
  showParameters();
}

void StepListEditor::refresh() {
  refreshing_ = true;
  const int current = list_->currentRow();
  list_->clear();
  for (const auto& step : steps()) list_->addItem(step_summary(step));
  list_->setCurrentRow(std::min(current, list_->count() - 1));
  refreshing_ = false;
  showParameters();
}

QWidget* StepListEditor::parameterEditor(const QString& key) const {
  return parameters_->findChild<QWidget*>(path_ + QLatin1Char('/') + key);
}

void StepListEditor::showParameters() {
  while (parameterLayout_->rowCount() > 0) parameterLayout_->removeRow(0);
  const int index = list_->currentRow();
  const Json list = steps();
  remove_->setEnabled(index >= 0);
  up_->setEnabled(index > 0);
  down_->setEnabled(index >= 0 && index + 1 < static_cast<int>(list.size()));
  if (index < 0 || index >= static_cast<int>(list.size())) return;
  const Json& step = list[static_cast<size_t>(index)];
  for (const auto& [key, value] : step.items()) {
    if (key == "op") continue;
    const QString name = QString::fromStdString(key);
    const FieldKind kind = kind_of(value);
    QWidget* editor = nullptr;
    const auto update = [this, index, key = key](const Json& v) {
      Json all = steps();
      if (index >= static_cast<int>(all.size())) return;
      all[static_cast<size_t>(index)][key] = v;
      setSteps(all);
    };
    if (kind == FieldKind::Bool) {
      auto* box = new QCheckBox(parameters_);
      box->setChecked(value.get<bool>());
      connect(box, &QCheckBox::toggled, this, [update](bool on) { update(Json(on)); });
      editor = box;
    } else {
      auto* edit = new QLineEdit(display_value(value, kind), parameters_);
      connect(edit, &QLineEdit::textEdited, this,
              [update, kind](const QString& text) { update(parse_value(text, kind)); });
      editor = edit;
    }
    editor->setObjectName(path_ + QLatin1Char('/') + name);
    parameterLayout_->addRow(name + QLatin1Char(':'), editor);
  }
}

}  // namespace cradle
