#include "widgets/experiment_document.h"

#include <QDir>
#include <QRegularExpression>
#include <QUndoCommand>

#include "core/common/error.h"

namespace cradle {
namespace {

QStringList split_path(const QString& path) { return path.split(QLatin1Char('.')); }

}  // namespace

// One undo step: the whole document before and after. Documents are small
// (a few kB), so snapshots keep undo simple and exact.
class DocumentEdit : public QUndoCommand {
 public:
  DocumentEdit(ExperimentDocument* owner, Json before, Json after, QString path, const QString& text)
      : QUndoCommand(text),
        owner_(owner),
        before_(std::move(before)),
        after_(std::move(after)),
        path_(std::move(path)) {}

  void undo() override { owner_->apply(before_, QString()); }
  void redo() override { owner_->apply(after_, path_); }
  int id() const override { return path_.isEmpty() ? -1 : 1; }
  bool mergeWith(const QUndoCommand* other) override {
    const auto* edit = static_cast<const DocumentEdit*>(other);
    if (edit->path_ != path_) return false;
    after_ = edit->after_;
    return true;
  }

 private:
  ExperimentDocument* owner_;
  Json before_, after_;
  QString path_;
};

ExperimentDocument::ExperimentDocument(QObject* parent) : QObject(parent) {}

void ExperimentDocument::reset(const Json& document, const QString& base_dir) {
  undo_.clear();
  baseDir_ = base_dir;
  apply(document, QString());
}

void ExperimentDocument::setBaseDir(const QString& base_dir) {
  if (base_dir == baseDir_) return;
  baseDir_ = base_dir;
  validate();
  Q_EMIT changed(QString());
}

QString ExperimentDocument::resolve(const QString& path) const {
  if (path.isEmpty() || QDir::isAbsolutePath(path) || baseDir_.isEmpty()) return path;
  return QDir::cleanPath(QDir(baseDir_).filePath(path));
}

const Json* ExperimentDocument::find(const QString& path) const {
  const Json* node = &document_;
  for (const QString& key : split_path(path)) {
    if (!node->is_object()) return nullptr;
    const auto found = node->find(key.toStdString());
    if (found == node->end()) return nullptr;
    node = &*found;
  }
  return node;
}

std::string ExperimentDocument::text(const QString& path, const std::string& fallback) const {
  const Json* value = find(path);
  return value && value->is_string() ? value->get<std::string>() : fallback;
}

void ExperimentDocument::set(const QString& path, const Json& value) {
  Json after = document_;
  Json* node = &after;
  for (const QString& key : split_path(path)) {
    if (!node->is_object()) *node = Json::object();
    node = &(*node)[key.toStdString()];
  }
  if (*node == value) return;
  *node = value;
  undo_.push(new DocumentEdit(this, document_, after, path, tr("Edit %1").arg(path)));
}

void ExperimentDocument::remove(const QString& path) {
  if (!has(path)) return;
  Json after = document_;
  QStringList keys = split_path(path);
  const QString last = keys.takeLast();
  Json* node = &after;
  for (const QString& key : keys) node = &(*node)[key.toStdString()];
  node->erase(last.toStdString());
  undo_.push(new DocumentEdit(this, document_, after, QString(), tr("Remove %1").arg(path)));
}

void ExperimentDocument::replace(const Json& document, const QString& what) {
  if (document == document_) return;
  undo_.push(new DocumentEdit(this, document_, document, QString(), what));
}

void ExperimentDocument::apply(const Json& document, const QString& path) {
  document_ = document;
  validate();
  // A valid document is kept canonical: the fields its choices imply appear
  // (data.separator once records is "separator") and the order is the file's.
  if (experiment_) {
    Json canonical = experiment_to_json(*experiment_);
    if (canonical != document_) document_ = std::move(canonical);
  }
  Q_EMIT changed(path);
}

void ExperimentDocument::validate() {
  experiment_.reset();
  error_.clear();
  errorPath_.clear();
  try {
    Experiment experiment = parse_experiment(document_);
    experiment.base_dir = baseDir_.toStdString();
    experiment_ = std::move(experiment);
  } catch (const Error& error) {
    error_ = QString::fromStdString(error.what());
    // Messages start with the field's path: "data.steps[2].min_chars: ...".
    static const QRegularExpression leading_path(QStringLiteral("^([A-Za-z_][A-Za-z0-9_.\\[\\]]*): "));
    const auto match = leading_path.match(error_);
    if (match.hasMatch()) errorPath_ = match.captured(1);
  }
}

QString ExperimentDocument::canonicalText() const {
  return experiment_ ? QString::fromStdString(serialize_experiment(*experiment_)) : QString();
}

}  // namespace cradle
