#pragma once
// The experiment being edited in the studio: the JSON document itself, so that
// every control edits exactly one field of the file. Each edit is validated by
// the core at once (the message names the field's JSON path, which the forms
// show next to that field), a valid document is kept in the canonical form the
// core writes, and every change is undoable.
#include <QObject>
#include <QString>
#include <QUndoStack>

#include <optional>

#include "core/experiment/experiment.h"

namespace cradle {

class ExperimentDocument : public QObject {
  Q_OBJECT

 public:
  explicit ExperimentDocument(QObject* parent = nullptr);

  // Starts over with `document` (undo history cleared). `base_dir` resolves
  // relative data paths, as the experiment file's folder does.
  void reset(const Json& document, const QString& base_dir);
  const Json& json() const { return document_; }
  QString baseDir() const { return baseDir_; }
  void setBaseDir(const QString& base_dir);
  // A data path as training will read it.
  QString resolve(const QString& path) const;

  // Dotted paths: "train.lr", "train.schedule.type". nullptr when absent.
  const Json* find(const QString& path) const;
  bool has(const QString& path) const { return find(path) != nullptr; }
  std::string text(const QString& path, const std::string& fallback = {}) const;

  // Undoable edits. Consecutive edits of one field merge into one undo step.
  void set(const QString& path, const Json& value);
  void remove(const QString& path);
  void replace(const Json& document, const QString& what);  // a reshaped document (a new type, source...)

  // The core's verdict: empty when the document is a valid experiment.
  QString error() const { return error_; }
  // The JSON path the message starts with ("train.lr"), empty when none.
  QString errorPath() const { return errorPath_; }
  std::optional<Experiment> experiment() const { return experiment_; }
  // The file's text as the core writes it; empty while the document is invalid.
  QString canonicalText() const;

  QUndoStack* undoStack() { return &undo_; }

 Q_SIGNALS:
  // After every change (edits, undo, redo, reset); `path` is the field edited
  // by set(), empty for changes of the whole document.
  void changed(const QString& path);

 private:
  friend class DocumentEdit;
  void apply(const Json& document, const QString& path);
  void validate();

  Json document_ = Json::object();
  QString baseDir_;
  QString error_, errorPath_;
  std::optional<Experiment> experiment_;
  QUndoStack undo_;
};

}  // namespace cradle
