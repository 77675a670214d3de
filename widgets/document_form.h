#pragma once
// A form whose every row edits one field of the experiment document, named by
// its JSON path (the editor's objectName is the path, so tests and the error
// display find it). A row is shown while its field applies: by default while
// the document holds the field (the core writes exactly the fields a choice
// reads). The core's message for a field appears under its editor.
#include <QString>
#include <QWidget>

#include <functional>
#include <utility>
#include <vector>

#include "core/experiment/json_object_reader.h"

class QFormLayout;
class QLabel;

namespace cradle {

class ExperimentDocument;

enum class FieldKind {
  Text,           // a string
  Integer,        // a whole number
  Number,         // a number
  NumberOrList,   // one number or several, comma-separated
  IntegerList,    // whole numbers, comma-separated
  TextList,       // strings, comma-separated
  Choice,         // one of the choices
  Bool,           // a check box
  File,           // a path with a file browser
  Folder,         // a path with a folder browser
  PathList,       // files or folders, one per line
  IntegerOrAuto,  // a whole number or "auto"
  Custom          // a widget of its own (addCustomField) that edits the field itself
};

struct FieldSpec {
  FieldSpec(QString path_, QString label_, FieldKind kind_, QString tooltip_,
            std::vector<std::pair<QString, QString>> choices_ = {})
      : path(std::move(path_)),
        label(std::move(label_)),
        kind(kind_),
        tooltip(std::move(tooltip_)),
        choices(std::move(choices_)) {}

  QString path;
  QString label;
  FieldKind kind = FieldKind::Text;
  QString tooltip;
  std::vector<std::pair<QString, QString>> choices;  // value, shown text
  // When set, the row shows while this returns true (the document as a whole);
  // otherwise while the field is in the document.
  std::function<bool(const Json&)> visible;
  Json fallback;  // shown while the field is absent
  // When set, the value shown is computed from the document (a choice that
  // stands for several fields, such as the presence of a section).
  std::function<Json(const Json& document)> derive;
  // When set, a choice is listed only while this returns true for it (the
  // sources and models that suit the task).
  std::function<bool(const Json& document, const QString& value)> offered;
  // When set, an edit replaces the document with what this returns (a
  // reshaped section) instead of setting the one field.
  std::function<Json(const Json& document, const Json& value)> reshape;
};

class DocumentForm : public QWidget {
  Q_OBJECT

 public:
  DocumentForm(ExperimentDocument* document, QWidget* parent = nullptr);
  ~DocumentForm() override;

  void addSection(const QString& title);
  QWidget* addField(const FieldSpec& spec);
  // A row for a widget that edits its field itself; the form shows and hides
  // it and places the core's messages about the field under it.
  void addCustomField(const FieldSpec& spec, QWidget* widget);
  // The editor of a field (objectName == path), or nullptr.
  QWidget* editor(const QString& path) const;
  // The message shown under a field (empty when none).
  QString errorText(const QString& path) const;
  // True when the core's current error belongs to one of this form's fields.
  bool ownsCurrentError() const;
  std::vector<QString> paths() const;

  void refresh(const QString& edited_path = QString());

 private:
  struct Row;
  void commit(const Row& row, const Json& value);
  void showValue(Row& row);
  const Row* ownerOf(const QString& error_path) const;

  ExperimentDocument* document_;
  QFormLayout* layout_;
  std::vector<Row*> rows_;
  std::vector<std::pair<QLabel*, std::vector<Row*>>> sections_;
  QWidget* custom_ = nullptr;  // handed from addCustomField to addField
  bool refreshing_ = false;
};

// doc[key] when it is an object, else an empty object (documents being edited
// may lack any section).
const Json& section_of(const Json& doc, const char* key);

// The editor's text for a JSON value, and back (as the field kind reads it;
// text that is not a valid value stays a string, for the core to name).
QString display_value(const Json& value, FieldKind kind);
Json parse_value(const QString& text, FieldKind kind);

}  // namespace cradle
