#include "core/experiment/experiment_templates.h"

#include <algorithm>

#include "core/common/error.h"

namespace cradle {
namespace {

// `defaults` with each value the old section also has (at the same key, of
// the same JSON type) taken from it, recursively; `defaults`' keys and order.
Json carried_over(const Json& defaults, const Json& old, const std::vector<std::string>& reset = {}) {
  Json out = defaults;
  if (!old.is_object()) return out;
  for (auto& [key, value] : out.items()) {
    if (std::find(reset.begin(), reset.end(), key) != reset.end()) continue;
    const auto found = old.find(key);
    if (found == old.end()) continue;
    if (value.is_object() && found->is_object())
      value = carried_over(value, *found);
    else if (value.type() == found->type() || (value.is_number() && found->is_number()))
      value = *found;
  }
  return out;
}

// The document's task (classification where it names none the parser knows: the review page says what is wrong).
Task task_of(const Json& document) {
  return parse_task(document.value("task", std::string("classification"))).value_or(Task::Classification);
}

// A token corpus is text already tokenised: its context length carries over to and from text.
bool text_like(std::optional<DataSource> source) {
  return source && (is_text_source(*source) || *source == DataSource::Tokens);
}

Json section(const Json& document, const char* key) {
  const auto found = document.find(key);
  return found != document.end() && found->is_object() ? *found : Json::object();
}

// The canonical document of an experiment with the given task and source and
// the parser's defaults everywhere else (empty data paths included: the
// wizard asks for them).
Json canonical(Task task, DataSource source, const std::string& model_type) {
  Experiment e;
  e.name = "new-experiment";
  e.task = task;
  e.data.source = source;
  if (source == DataSource::ImageFolder)
    e.data.channels = 3;
  else if (source == DataSource::Idx || source == DataSource::Cifar10)
    e.data.channels = 0;
  if (source == DataSource::Text) e.data.include = {"*.txt"};
  if (source == DataSource::Jsonl) e.data.include = {"*.jsonl"};
  Json model = {{"type", model_type}};
  e.model = parse_model_spec(JsonObjectReader(model, "model"), e.task);
  Json train = Json::object();
  e.train = parse_train_spec(JsonObjectReader(train, "train"), e.task);
  return experiment_to_json(e);
}

const char* kFashion = "/usr/share/datasets/fashion-mnist/";

// SFT of the model init_from names (left for the user: a Hugging Face model
// folder or a run), with LoRA as a new user on one machine wants it: the
// experiment keeps init_from's model, so it has no model section.
Json chat_fine_tuning_template() {
  Json doc = canonical(Task::LanguageModel, DataSource::Dialogues, "gpt");
  doc.erase("model");
  doc["name"] = "chat-tuning";
  doc["stage"] = "sft";
  doc["init_from"] = "";
  Json& data = doc["data"];
  data["context_length"] = 512;
  data["validation_fraction"] = 0.1;
  Json& train = doc["train"];
  train = with_train_shape(doc, "adamw", "cosine", false)["train"];
  train["epochs"] = 1;
  train["batch_size"] = 4;
  train["lr"] = 2e-4;
  train["clip_grad_norm"] = 1.0;
  train["lora"] = {{"rank", 8}, {"alpha", 16}, {"dropout", 0.05}};
  return doc;
}

}  // namespace

const std::vector<TaskKind>& task_kinds() {
  static const std::vector<TaskKind> kinds = {
      {"image_classification",
       Task::Classification,
       {DataSource::Idx, DataSource::Cifar10, DataSource::ImageFolder},
       {"cnn", "lenet5", "resnet", "mlp"}},
      {"table_classification", Task::Classification, {DataSource::Csv}, {"mlp"}},
      {"table_regression", Task::Regression, {DataSource::Csv}, {"mlp"}},
      {"text_classification",
       Task::Classification,
       {DataSource::Text, DataSource::Jsonl},
       {"gru", "lstm", "rnn", "encoder"}},
      {"language_model",
       Task::LanguageModel,
       {DataSource::Text, DataSource::Jsonl, DataSource::Tokens},
       {"gpt", "lstm", "gru", "rnn"}},
      // The model is init_from's (a Hugging Face model folder, or a run): no model types to choose.
      {"chat_fine_tuning", Task::LanguageModel, {DataSource::Dialogues}, {}},
  };
  return kinds;
}

const TaskKind& task_kind(const std::string& id) {
  for (const auto& kind : task_kinds())
    if (kind.id == id) return kind;
  throw ConfigError("unknown kind of task \"" + id + "\"");
}

const TaskKind& task_kind_of(std::optional<Task> task, std::optional<DataSource> source) {
  switch (task.value_or(Task::Classification)) {
    case Task::Regression: return task_kind("table_regression");
    case Task::LanguageModel: return task_kind(source == DataSource::Dialogues ? "chat_fine_tuning" : "language_model");
    case Task::Classification: break;
  }
  if (source == DataSource::Csv) return task_kind("table_classification");
  if (source && is_text_source(*source)) return task_kind("text_classification");
  return task_kind("image_classification");
}

const TaskKind& task_kind_of(const Json& document) {
  const auto text = [](const Json& object, const char* key) {
    const auto found = object.is_object() ? object.find(key) : object.end();
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  return task_kind_of(parse_task(text(document, "task")), parse_data_source(text(section(document, "data"), "source")));
}

Json experiment_template(const std::string& kind_id) {
  const TaskKind& kind = task_kind(kind_id);
  if (kind.id == "chat_fine_tuning") return chat_fine_tuning_template();
  Json doc = canonical(kind.task, kind.sources.front(), kind.model_types.front());
  Json& data = doc["data"];
  Json& model = doc["model"];
  Json& train = doc["train"];
  if (kind.id == "image_classification") {
    doc["name"] = "image-classifier";
    const std::string base = kFashion;
    data["train_images"] = base + "train-images-idx3-ubyte.gz";
    data["train_labels"] = base + "train-labels-idx1-ubyte.gz";
    data["test_images"] = base + "t10k-images-idx3-ubyte.gz";
    data["test_labels"] = base + "t10k-labels-idx1-ubyte.gz";
    data["class_names"] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                           "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    data["normalize"] = {{"mean", 0.286}, {"std", 0.353}};
    model["dropout"] = 0.25;
  } else if (kind.id == "language_model") {
    doc["name"] = "language-model";
    data["paths"] = {"/usr/share/games/fortunes"};
    data["include"] = {"*"};
    data["exclude"] = {"*.dat", "*.u8", "chinese", "tang300", "song100"};
    data["records"] = "separator";
    data["separator"] = "%";
    data["steps"] = {{{"op", "remove_control"}},
                     {{"op", "normalize_unicode"}, {"form", "NFKC"}},
                     {{"op", "collapse_whitespace"}, {"keep_newlines", true}},
                     {{"op", "dedup_exact"}}};
    data["tokenizer"]["type"] = "bpe";
    data["tokenizer"]["vocab_size"] = 2000;
    model["dropout"] = 0.1;
    train = with_train_shape(doc, "adamw", "cosine", false)["train"];
    train["batch_size"] = 32;
    train["clip_grad_norm"] = 1.0;
    train["schedule"]["warmup_steps"] = 100;
  } else if (kind.id == "text_classification") {
    doc["name"] = "text-classifier";
    model = with_model_type(doc, "gru")["model"];
    model["bidirectional"] = true;
  } else {
    doc["name"] = kind.task == Task::Regression ? "table-regression" : "table-classifier";
    model["hidden"] = {64, 64};
    train["epochs"] = 20;
  }
  // In the canonical writer's order when complete; the others wait for the
  // user's data files before the core accepts them.
  try {
    return experiment_to_json(parse_experiment(doc));
  } catch (const ConfigError&) {
    return doc;
  }
}
Json with_task_kind(const Json& document, const std::string& kind_id) {
  Json doc = experiment_template(kind_id);
  for (const char* key : {"name", "description", "seed", "threads", "device"})
    if (document.contains(key)) doc[key] = document[key];
  if (document.contains("eval")) doc["eval"] = carried_over(doc["eval"], document["eval"]);
  return doc;
}

Json with_data_source(const Json& document, const std::string& source_name) {
  const auto source = parse_data_source(source_name);
  if (!source) throw ConfigError("data.source: \"" + source_name + "\" is not a data source Cradle reads");
  const Json old = section(document, "data");
  const auto old_source = parse_data_source(old.value("source", std::string()));
  Json data = canonical(task_of(document), *source, text_like(source) ? "gru" : "mlp")["data"];
  const std::vector<std::string> common = {
      "class_names",      "validation_fraction", "stratify",         "max_train_samples",
      "max_test_samples", "loader_threads",      "prefetch_batches", "cache"};
  const std::vector<std::string> text = {"paths",     "exclude",        "on_bad_record", "steps",
                                         "tokenizer", "context_length", "test_fraction"};
  const bool both_text = text_like(source) && text_like(old_source);
  Json kept = Json::object();
  for (const auto& [key, value] : old.items())
    if (std::find(common.begin(), common.end(), key) != common.end() ||
        (both_text && std::find(text.begin(), text.end(), key) != text.end()))
      kept[key] = value;
  Json doc = document;
  doc["data"] = carried_over(data, kept);
  return doc;
}

Json with_model_type(const Json& document, const std::string& type) {
  const Task task = task_of(document);
  Json choice = {{"type", type}};
  const Json defaults = model_spec_to_json(parse_model_spec(JsonObjectReader(choice, "model"), task), task);
  Json doc = document;
  // pooling's default depends on the type ("last" for recurrent, "mean" for the encoder).
  doc["model"] = carried_over(defaults, section(document, "model"), {"type", "pooling"});
  return doc;
}

Json with_train_shape(const Json& document, const std::string& optimizer, const std::string& schedule,
                      bool early_stopping) {
  const Task task = task_of(document);
  const Json old = section(document, "train");
  Json choice = {{"optimizer", optimizer}, {"schedule", {{"type", schedule}}}};
  if (early_stopping) choice["early_stopping"] = Json::object();
  const Json defaults = train_spec_to_json(parse_train_spec(JsonObjectReader(choice, "train"), task), task);
  // An optimizer's parameters have its own defaults (eps, momentum, decay),
  // so they are carried only while the optimizer stays; the learning rate too
  // when switching to or from adadelta, whose rate is on another scale.
  std::vector<std::string> reset = {"optimizer"};
  const std::string old_optimizer = old.value("optimizer", optimizer);
  if (old_optimizer != optimizer) {
    reset.insert(reset.end(), {"momentum", "nesterov", "betas", "eps", "rho", "alpha", "weight_decay"});
    if (old_optimizer == "adadelta" || optimizer == "adadelta") reset.push_back("lr");
  }
  Json train = carried_over(defaults, old, reset);
  if (train.contains("schedule") && old.contains("schedule") && old["schedule"].value("type", schedule) != schedule) {
    Json fresh = defaults["schedule"];
    if (old["schedule"].contains("warmup_steps") && fresh.contains("warmup_steps"))
      fresh["warmup_steps"] = old["schedule"]["warmup_steps"];
    train["schedule"] = fresh;
  }
  Json doc = document;
  doc["train"] = train;
  return doc;
}

}  // namespace cradle
