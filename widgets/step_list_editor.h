#pragma once
// Edits an ordered list of steps held in the experiment document (the text
// cleaning steps data.steps, the image augmentations data.augment): add from
// the operations the core knows, remove, move up and down, and edit the chosen
// step's parameters. A new step starts with the core's defaults.
#include <QWidget>

#include <functional>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"

class QListWidget;
class QFormLayout;
class QToolButton;

namespace cradle {

class ExperimentDocument;

class StepListEditor : public QWidget {
  Q_OBJECT

 public:
  // `defaults` gives a new step of an operation with the core's defaults.
  StepListEditor(ExperimentDocument* document, QString path, std::vector<std::string> operations,
                 std::function<Json(const std::string& op)> defaults, QWidget* parent = nullptr);

  void addStep(const std::string& op);
  void removeStep(int index);
  void moveStep(int index, int offset);
  void selectStep(int index);
  int stepCount() const;
  // The chosen step's parameter editor for `key` (objectName "<path>/<key>").
  QWidget* parameterEditor(const QString& key) const;

 private:
  void refresh();
  void showParameters();
  Json steps() const;
  void setSteps(const Json& steps);

  ExperimentDocument* document_;
  QString path_;
  std::function<Json(const std::string&)> defaults_;
  QListWidget* list_;
  QWidget* parameters_;
  QFormLayout* parameterLayout_;
  QToolButton *remove_, *up_, *down_;
  bool refreshing_ = false;
};

}  // namespace cradle
