#pragma once
// Starting points for the studio's new-experiment wizard, and the reshaping of
// a section when a choice that decides its fields changes (task, data source,
// model type, optimizer, schedule, early stopping). A reshaped section holds
// exactly the fields the new choice reads: the parser's defaults for them,
// with the user's values carried over where the field still means the same.
#include <string>
#include <vector>

#include "core/experiment/experiment.h"

namespace cradle {

// What a person wants to build; each maps to a `task` and the sources and
// model types that suit it.
struct TaskKind {
  // image_classification | table_classification | table_regression | text_classification | language_model
  // | chat_fine_tuning (SFT of a Hugging Face model folder or a run: the model is init_from's)
  std::string id;
  Task task = Task::Classification;
  std::vector<DataSource> sources;       // the first is the template's
  std::vector<std::string> model_types;  // the first is the template's
};

const std::vector<TaskKind>& task_kinds();
const TaskKind& task_kind(const std::string& id);  // ConfigError for an unknown id
// The kind an experiment is, from its task and source; an unknown or missing
// task counts as classification, an unknown source as images.
const TaskKind& task_kind_of(std::optional<Task> task, std::optional<DataSource> source);
// The same for a document being edited (its "task" and "data.source", as far as they are there).
const TaskKind& task_kind_of(const Json& document);

// A complete, canonical experiment for the kind. Image classification and the
// language model start from the Fashion-MNIST and fortunes data Debian ships;
// the others leave the data file empty for the user to choose (and chat
// fine-tuning the model folder or run it starts from, init_from).
Json experiment_template(const std::string& kind_id);

// The document with its task kind changed: the kind's template, keeping the
// name, description, seed, threads, device and eval settings.
Json with_task_kind(const Json& document, const std::string& kind_id);
// The data section for another source; source-independent fields (and, between
// text and jsonl, the text fields) are kept.
Json with_data_source(const Json& document, const std::string& source);
// The model section for another type; fields both types read are kept.
Json with_model_type(const Json& document, const std::string& type);
// The train section after train.optimizer or train.schedule.type changed, or
// early stopping was switched on or off: the new choice's fields, its own
// defaults for the optimizer's parameters, everything else kept.
Json with_train_shape(const Json& document, const std::string& optimizer, const std::string& schedule,
                      bool early_stopping);

}  // namespace cradle
