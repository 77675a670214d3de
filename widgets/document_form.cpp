#include "widgets/document_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

#include "widgets/experiment_document.h"
#include "widgets/palette_colors.h"

namespace cradle {
namespace {

QStringList comma_parts(const QString& text) {
  QStringList parts;
  for (const QString& part : text.split(QLatin1Char(','))) {
    const QString trimmed = part.trimmed();
    if (!trimmed.isEmpty()) parts << trimmed;
  }
  return parts;
}

std::optional<Json> number_of(const QString& text, bool whole) {
  static const QRegularExpression integer(QStringLiteral("^[-+]?\\d+$"));
  const QString t = text.trimmed();
  if (integer.match(t).hasMatch()) {
    bool ok = false;
    const qlonglong value = t.toLongLong(&ok);
    if (ok) return Json(static_cast<std::int64_t>(value));
  }
  if (whole) return std::nullopt;
  bool ok = false;
  const double value = t.toDouble(&ok);  // C locale: "0.001", "1e-08"
  if (ok) return Json(value);
  return std::nullopt;
}

bool is_line_edit(FieldKind kind) {
  return kind != FieldKind::Choice && kind != FieldKind::Bool && kind != FieldKind::PathList &&
         kind != FieldKind::Custom;
}

}  // namespace

const Json& section_of(const Json& doc, const char* key) {
  static const Json empty = Json::object();
  if (!doc.is_object()) return empty;
  const auto found = doc.find(key);
  return found != doc.end() && found->is_object() ? *found : empty;
}

QString display_value(const Json& value, FieldKind kind) {
  if (value.is_null()) return QString();
  if (value.is_string()) return QString::fromStdString(value.get<std::string>());
  if (value.is_array() && kind == FieldKind::PathList) {
    QStringList lines;
    for (const auto& item : value) lines << display_value(item, FieldKind::Text);
    return lines.join(QLatin1Char('\n'));
  }
  if (value.is_array()) {
    QStringList parts;
    for (const auto& item : value) parts << display_value(item, FieldKind::Text);
    return parts.join(QStringLiteral(", "));
  }
  return QString::fromStdString(value.dump());  // numbers as the file writes them: 0.001, 1e-08
}

Json parse_value(const QString& text, FieldKind kind) {
  switch (kind) {
    case FieldKind::Integer:
    case FieldKind::Number: {
      const auto number = number_of(text, kind == FieldKind::Integer);
      // Not a number: kept as text, so the core names the field and the value.
      return number ? *number : Json(text.toStdString());
    }
    case FieldKind::IntegerOrAuto: {
      if (text.trimmed() == QLatin1String("auto")) return Json("auto");
      const auto number = number_of(text, true);
      return number ? *number : Json(text.toStdString());
    }
    case FieldKind::IntegerList:
    case FieldKind::NumberOrList: {
      const QStringList parts = comma_parts(text);
      Json list = Json::array();
      for (const QString& part : parts) {
        const auto number = number_of(part, kind == FieldKind::IntegerList);
        if (!number) return Json(text.toStdString());
        list.push_back(*number);
      }
      if (kind == FieldKind::NumberOrList && list.size() == 1) return list.front();
      return list;
    }
    case FieldKind::TextList: {
      Json list = Json::array();
      for (const QString& part : comma_parts(text)) list.push_back(part.toStdString());
      return list;
    }
    case FieldKind::PathList: {
      Json list = Json::array();
      for (const QString& line : text.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (!trimmed.isEmpty()) list.push_back(trimmed.toStdString());
      }
      return list;
    }
    default: return Json(text.toStdString());
  }
}

struct DocumentForm::Row {
  explicit Row(FieldSpec s) : spec(std::move(s)) {}
  FieldSpec spec;
  QLabel* label = nullptr;
  QWidget* container = nullptr;
  QWidget* editor = nullptr;
  QLabel* error = nullptr;
  QLabel* warning = nullptr;  // a data path that does not exist
};

DocumentForm::DocumentForm(ExperimentDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), layout_(new QFormLayout(this)) {
  layout_->setLabelAlignment(Qt::AlignRight);
  layout_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  connect(document_, &ExperimentDocument::changed, this, &DocumentForm::refresh);
}

DocumentForm::~DocumentForm() {
  for (Row* row : rows_) delete row;
}

void DocumentForm::addSection(const QString& title) {
  auto* label = new QLabel(title, this);
  QFont font = label->font();
  font.setBold(true);
  label->setFont(font);
  label->setContentsMargins(0, 10, 0, 2);
  layout_->addRow(label);
  sections_.push_back({label, {}});
}

QWidget* DocumentForm::addField(const FieldSpec& spec) {
  auto* row = new Row(spec);
  row->container = new QWidget(this);
  auto* column = new QVBoxLayout(row->container);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(2);
  auto* line = new QHBoxLayout;
  line->setSpacing(4);
  column->addLayout(line);

  const FieldKind kind = spec.kind;
  if (kind == FieldKind::Custom) {
    row->editor = custom_;
    custom_->setParent(row->container);
  } else if (kind == FieldKind::Choice) {
    auto* combo = new QComboBox(row->container);
    for (const auto& [value, text] : spec.choices) combo->addItem(text, value);
    connect(combo, qOverload<int>(&QComboBox::activated), this,
            [this, row, combo](int index) { commit(*row, Json(combo->itemData(index).toString().toStdString())); });
    row->editor = combo;
  } else if (kind == FieldKind::Bool) {
    auto* box = new QCheckBox(row->container);
    connect(box, &QCheckBox::toggled, this, [this, row](bool on) {
      if (!refreshing_) commit(*row, Json(on));
    });
    row->editor = box;
  } else if (kind == FieldKind::PathList) {
    auto* edit = new QPlainTextEdit(row->container);
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * 3 + 12);
    connect(edit, &QPlainTextEdit::textChanged, this, [this, row, edit] {
      if (!refreshing_) commit(*row, parse_value(edit->toPlainText(), FieldKind::PathList));
    });
    row->editor = edit;
  } else {
    auto* edit = new QLineEdit(row->container);
    // textChanged, not textEdited: the line edit's own undo (Ctrl+Z while
    // typing) then reaches the document too.
    connect(edit, &QLineEdit::textChanged, this, [this, row](const QString& text) {
      if (!refreshing_) commit(*row, parse_value(text, row->spec.kind));
    });
    row->editor = edit;
  }
  row->editor->setObjectName(spec.path);
  row->editor->setToolTip(spec.tooltip);
  line->addWidget(row->editor, 1);

  if (kind == FieldKind::File || kind == FieldKind::Folder || kind == FieldKind::PathList) {
    auto* browse = new QToolButton(row->container);
    browse->setText(tr("Browse..."));
    browse->setObjectName(spec.path + QStringLiteral("/browse"));
    connect(browse, &QToolButton::clicked, this, [this, row] {
      const QString start = document_->baseDir();
      QString chosen = row->spec.kind == FieldKind::File
                           ? QFileDialog::getOpenFileName(this, row->spec.label, start)
                           : QFileDialog::getExistingDirectory(this, row->spec.label, start);
      if (chosen.isEmpty()) return;
      if (row->spec.kind == FieldKind::PathList) {
        auto* edit = static_cast<QPlainTextEdit*>(row->editor);
        const QString text = edit->toPlainText().trimmed();
        edit->setPlainText(text.isEmpty() ? chosen : text + QLatin1Char('\n') + chosen);
      } else {
        static_cast<QLineEdit*>(row->editor)->setText(chosen);
      }
    });
    line->addWidget(browse);
    row->warning = new QLabel(row->container);
    row->warning->setWordWrap(true);
    row->warning->setStyleSheet(QStringLiteral("color: %1;").arg(warning_color(palette()).name()));
    row->warning->hide();
    column->addWidget(row->warning);
  }
  row->error = new QLabel(row->container);
  row->error->setObjectName(spec.path + QStringLiteral("/error"));
  row->error->setWordWrap(true);
  row->error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  row->error->setStyleSheet(QStringLiteral("color: %1;").arg(error_color(palette()).name()));
  row->error->hide();
  column->addWidget(row->error);

  row->label = new QLabel(spec.label, this);
  row->label->setToolTip(spec.tooltip);
  row->label->setBuddy(row->editor);
  layout_->addRow(row->label, row->container);
  rows_.push_back(row);
  if (!sections_.empty()) sections_.back().second.push_back(row);
  refreshing_ = true;
  showValue(*row);
  refreshing_ = false;
  refresh();
  return row->editor;
}

void DocumentForm::addCustomField(const FieldSpec& spec, QWidget* widget) {
  FieldSpec custom = spec;
  custom.kind = FieldKind::Custom;
  custom_ = widget;
  addField(custom);
  custom_ = nullptr;
}

QWidget* DocumentForm::editor(const QString& path) const {
  for (const Row* row : rows_)
    if (row->spec.path == path) return row->editor;
  return nullptr;
}

QString DocumentForm::errorText(const QString& path) const {
  for (const Row* row : rows_)
    if (row->spec.path == path) return row->error->isHidden() ? QString() : row->error->text();
  return {};
}

std::vector<QString> DocumentForm::paths() const {
  std::vector<QString> out;
  for (const Row* row : rows_) out.push_back(row->spec.path);
  return out;
}

const DocumentForm::Row* DocumentForm::ownerOf(const QString& error_path) const {
  const Row* best = nullptr;
  for (const Row* row : rows_) {
    const QString& path = row->spec.path;
    const bool prefix = error_path == path ||
                        (error_path.startsWith(path) &&
                         (error_path[path.size()] == QLatin1Char('.') || error_path[path.size()] == QLatin1Char('[')));
    if (prefix && (!best || path.size() > best->spec.path.size())) best = row;
  }
  return best;
}

bool DocumentForm::ownsCurrentError() const {
  return !document_->errorPath().isEmpty() && ownerOf(document_->errorPath()) != nullptr;
}

void DocumentForm::commit(const Row& row, const Json& value) {
  if (refreshing_) return;
  if (row.spec.reshape) {
    document_->replace(row.spec.reshape(document_->json(), value), tr("Change %1").arg(row.spec.path));
  } else {
    document_->set(row.spec.path, value);
  }
}

void DocumentForm::showValue(Row& row) {
  const Json* found = document_->find(row.spec.path);
  const Json value = row.spec.derive ? row.spec.derive(document_->json()) : found ? *found : row.spec.fallback;
  switch (row.spec.kind) {
    case FieldKind::Custom: break;
    case FieldKind::Choice: {
      auto* combo = static_cast<QComboBox*>(row.editor);
      const QString current = display_value(value, FieldKind::Text);
      if (row.spec.offered) {
        combo->clear();
        for (const auto& [choice, text] : row.spec.choices)
          if (choice == current || row.spec.offered(document_->json(), choice)) combo->addItem(text, choice);
      }
      int index = combo->findData(current);
      if (index < 0 && !current.isEmpty()) {  // a value the form does not offer: shown as it is
        combo->addItem(current, current);
        index = combo->count() - 1;
      }
      combo->setCurrentIndex(index);
      break;
    }
    case FieldKind::Bool:
      static_cast<QCheckBox*>(row.editor)->setChecked(value.is_boolean() && value.get<bool>());
      break;
    case FieldKind::PathList: {
      auto* edit = static_cast<QPlainTextEdit*>(row.editor);
      const QString text = display_value(value, FieldKind::PathList);
      if (parse_value(edit->toPlainText(), FieldKind::PathList) != value) edit->setPlainText(text);
      break;
    }
    default: {
      auto* edit = static_cast<QLineEdit*>(row.editor);
      // Text that already means this value stays as typed ("0.10", "1, 2").
      if (parse_value(edit->text(), row.spec.kind) != value) edit->setText(display_value(value, row.spec.kind));
    }
  }
  if (row.warning) {
    QStringList missing;
    const bool listed = value.is_array();
    for (const auto& item : listed ? value : Json::array({value})) {
      if (!item.is_string() || item.get<std::string>().empty()) continue;
      const QString path = document_->resolve(QString::fromStdString(item.get<std::string>()));
      if (!QFileInfo::exists(path)) missing << path;
    }
    row.warning->setText(missing.isEmpty() ? QString() : tr("Not found: %1").arg(missing.join(QStringLiteral(", "))));
    row.warning->setVisible(!missing.isEmpty());
  }
}

void DocumentForm::refresh(const QString& edited_path) {
  refreshing_ = true;
  const Json& doc = document_->json();
  const Row* error_owner = ownerOf(document_->errorPath());
  for (Row* row : rows_) {
    const bool visible = row->spec.visible ? row->spec.visible(doc) : document_->has(row->spec.path);
    layout_->setRowVisible(row->container, visible);
    if (row->spec.path != edited_path || !is_line_edit(row->spec.kind)) showValue(*row);
    const bool owns = row == error_owner;
    row->error->setText(owns ? document_->error() : QString());
    row->error->setVisible(owns);
  }
  for (auto& [label, rows] : sections_) {
    bool any = false;
    for (const Row* row : rows)
      any = any || (row->spec.visible ? row->spec.visible(doc) : document_->has(row->spec.path));
    layout_->setRowVisible(label, any);
  }
  refreshing_ = false;
}

}  // namespace cradle
