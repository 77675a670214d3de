#include "core/experiment/experiment.h"

#include <algorithm>
#include <cctype>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/imagenet_preprocessing.h"
#include "core/experiment/overrides.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

bool is_safe_name(const std::string& name) {
  return !name.empty() && name.size() <= 100 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

// A source's test split is either named (`path_key`: a file or folder) or a
// held-out share of the training data (`test_fraction`), never both.
void read_test_split(JsonObjectReader& r, const char* path_key, std::string& path, double& fraction) {
  path = r.string(path_key, path);
  if (path.empty())
    fraction = r.number("test_fraction", fraction, {0.0, 1.0, true, true});
  else if (r.has("test_fraction"))
    r.fail("test_fraction", std::string("not used when data.") + path_key + " names the test data");
}

void write_test_split(Json& data, const char* path_key, const std::string& path, double fraction) {
  if (!path.empty())
    data[path_key] = path;
  else
    data["test_fraction"] = fraction;
}

void parse_text_source(JsonObjectReader& r, DataSpec& d, Task task) {
  d.paths = r.strings("paths", {});
  if (d.paths.empty()) r.fail("paths", "required: a list of files or folders");
  d.include = r.strings("include", {d.source == DataSource::Text ? "*.txt" : "*.jsonl"});
  d.exclude = r.strings("exclude", d.exclude);
  if (d.source == DataSource::Text) {
    d.records = r.choice("records", d.records, {"file", "line", "paragraph", "separator"});
    if (d.records == "separator") {
      d.separator = r.string("separator", d.separator);
      if (d.separator.empty() || d.separator.find('\n') != std::string::npos)
        r.fail("separator", "must be one non-empty line, such as \"%\"");
    } else if (r.has("separator")) {
      r.fail("separator", "only used with data.records \"separator\"");
    }
    if (task == Task::Classification)
      d.label_from = r.choice("label_from", d.label_from, {"folder", "file"});
    else if (r.has("label_from"))
      r.fail("label_from", "only used by task \"classification\"");
  } else {
    d.text_field = r.string("text_field", d.text_field);
    if (task == Task::Classification) {
      d.label_field = r.string("label_field", d.label_field);
      if (d.label_field.empty()) r.fail("label_field", "must name the field holding each record's class");
    } else if (r.has("label_field")) {
      r.fail("label_field", "only used by task \"classification\"");
    }
  }
  d.on_bad_record = r.choice("on_bad_record", d.on_bad_record, {"fail", "skip"});
  for (auto step : r.objects("steps")) d.steps.push_back(parse_text_step(std::move(step)));
  auto t = r.object("tokenizer");
  d.tokenizer.type = t.choice("type", d.tokenizer.type, {"char", "bpe", "unigram"});
  d.tokenizer.vocab_size = t.integer("vocab_size", d.tokenizer.vocab_size, Range::between(0, 1 << 20));
  if (d.tokenizer.type != "char" && d.tokenizer.vocab_size == 0)
    t.fail("vocab_size", "required for a \"" + d.tokenizer.type + "\" tokenizer (for example 2000)");
  d.tokenizer.character_coverage =
      t.number("character_coverage", d.tokenizer.character_coverage, {0.5, 1.0, false, false});
  d.tokenizer.special_tokens = t.strings("special_tokens", d.tokenizer.special_tokens);
  for (const auto& token : d.tokenizer.special_tokens)
    if (token.empty() || token.find(',') != std::string::npos)
      t.fail("special_tokens", "must not hold an empty string or a comma, got \"" + token + "\"");
  t.finish();
  d.context_length = r.integer("context_length", d.context_length, Range::between(2, 1 << 16));
  d.test_fraction = r.number("test_fraction", d.test_fraction, {0.0, 1.0, true, true});
}

// Each source takes its own fields; another source's field is an error, not silently ignored.
void check_fields_belong_to_source(const JsonObjectReader& r, const std::string& source) {
  const std::vector<std::string> images = {"idx", "cifar10", "image_folder"};
  const std::vector<std::string> labelled = {"idx", "cifar10", "image_folder", "csv", "text", "jsonl"};
  const std::vector<std::string> texts = {"text", "jsonl"};
  const std::vector<std::string> files = {"text", "jsonl", "dialogues", "preferences", "prompts"};
  const std::vector<std::pair<const char*, std::vector<std::string>>> owners = {
      {"train_images", {"idx"}},
      {"train_labels", {"idx"}},
      {"test_images", {"idx"}},
      {"test_labels", {"idx"}},
      {"folder", {"cifar10", "image_folder", "tokens"}},
      {"test_folder", {"image_folder"}},
      {"test_fraction", {"image_folder", "csv", "text", "jsonl", "dialogues", "preferences", "prompts"}},
      {"image_size", {"image_folder"}},
      {"channels", images},
      {"resize", {"image_folder"}},
      {"on_bad_file", {"image_folder"}},
      {"file", {"csv"}},
      {"test_file", {"csv"}},
      {"target", {"csv"}},
      {"columns", {"csv"}},
      {"categorical", {"csv"}},
      {"categorical_encoding", {"csv"}},
      {"missing", {"csv"}},
      {"fill_value", {"csv"}},
      {"scaling", {"csv"}},
      {"normalize", images},
      {"class_names", labelled},
      {"stratify", labelled},
      {"paths", files},
      {"include", files},
      {"exclude", files},
      {"records", {"text"}},
      {"separator", {"text"}},
      {"text_field", {"jsonl"}},
      {"label_field", {"jsonl"}},
      {"label_from", {"text"}},
      {"on_bad_record", files},
      {"steps", texts},
      {"tokenizer", texts},
      {"context_length", {"text", "jsonl", "tokens", "dialogues", "preferences", "prompts"}},
      {"packing", {"dialogues"}},
      {"center_crop", images},
      {"augment", images}};
  for (const auto& [key, sources] : owners) {
    if (!r.has(key) || std::find(sources.begin(), sources.end(), source) != sources.end()) continue;
    r.fail_not_used_by(key, "source", sources, source);
  }
}

// The fields only the experiment's source reads.
void read_source_fields(JsonObjectReader& r, DataSpec& d, Task task) {
  switch (d.source) {
    case DataSource::Idx:
      d.train_images = r.required_string("train_images");
      d.train_labels = r.required_string("train_labels");
      d.test_images = r.required_string("test_images");
      d.test_labels = r.required_string("test_labels");
      break;
    case DataSource::Csv:
      d.file = r.required_string("file");
      read_test_split(r, "test_file", d.test_file, d.test_fraction);
      d.target = r.required_string("target");
      d.columns = r.strings("columns", d.columns);
      d.categorical = r.strings("categorical", d.categorical);
      d.categorical_encoding = r.choice("categorical_encoding", d.categorical_encoding, {"one_hot", "embedding"});
      d.missing = r.choice("missing", d.missing, {"drop_row", "fill_mean", "fill_constant"});
      if (d.missing == "fill_constant")
        d.fill_value = r.number("fill_value", d.fill_value);
      else if (r.has("fill_value"))
        r.fail("fill_value", "only used with data.missing \"fill_constant\"");
      d.scaling = r.choice("scaling", d.scaling, {"standard", "minmax", "none"});
      break;
    case DataSource::Text:
    case DataSource::Jsonl: parse_text_source(r, d, task); break;
    case DataSource::Tokens:
      // A corpus cradle-cli data tokenize wrote: its splits and tokenizer are fixed there.
      d.folder = r.required_string("folder");
      d.context_length = r.integer("context_length", d.context_length, Range::between(2, 1 << 16));
      break;
    case DataSource::Dialogues:
    case DataSource::Preferences:
    case DataSource::Prompts:
      // The tokenizer is the one the model was pretrained with (init_from's); the texts are used as written.
      d.paths = r.strings("paths", {});
      if (d.paths.empty()) r.fail("paths", "required: a list of JSONL files or folders of them");
      d.include = r.strings("include", {"*.jsonl"});
      d.exclude = r.strings("exclude", d.exclude);
      d.on_bad_record = r.choice("on_bad_record", d.on_bad_record, {"fail", "skip"});
      d.context_length = r.integer("context_length", d.context_length, Range::between(2, 1 << 16));
      d.test_fraction = r.number("test_fraction", d.test_fraction, {0.0, 1.0, true, true});
      if (d.source == DataSource::Dialogues) d.packing = r.boolean("packing", d.packing);
      break;
    case DataSource::Cifar10:
    case DataSource::ImageFolder: d.folder = r.required_string("folder"); break;
  }
  if (d.source == DataSource::Idx || d.source == DataSource::Cifar10) {
    d.channels = r.integer("channels", 0, Range::between(0, 3));
    if (d.channels == 2) r.fail("channels", "must be 0 (as the source), 1 (grayscale) or 3 (RGB), got 2");
  }
  if (d.source == DataSource::ImageFolder) {
    read_test_split(r, "test_folder", d.test_folder, d.test_fraction);
    d.image_size = r.integers("image_size", d.image_size, Range::between(1, 4096));
    if (d.image_size.size() != 2)
      r.fail("image_size", "expected [height, width], got " + std::to_string(d.image_size.size()) + " numbers");
    d.channels = r.integer("channels", d.channels, Range::between(1, 3));
    if (d.channels == 2) r.fail("channels", "must be 1 (grayscale) or 3 (RGB), got 2");
    d.resize = r.choice("resize", d.resize, {"stretch", "pad"});
    d.on_bad_file = r.choice("on_bad_file", d.on_bad_file, {"fail", "skip"});
  }
}

DataSpec parse_data(JsonObjectReader r, Task task) {
  DataSpec d;
  d.source = *parse_data_source(r.choice("source", to_string(d.source), data_source_names()));
  check_fields_belong_to_source(r, to_string(d.source));
  read_source_fields(r, d, task);
  d.center_crop = r.integers("center_crop", d.center_crop, Range::between(1, 4096));
  if (!d.center_crop.empty() && d.center_crop.size() != 2)
    r.fail("center_crop", "expected [height, width], got " + std::to_string(d.center_crop.size()) + " numbers");
  for (auto step : r.objects("augment")) d.augment.push_back(parse_augment_step(std::move(step)));
  if (const Json* threads = r.raw("loader_threads"); threads && threads->is_string()) {
    if (*threads != "auto")
      r.fail("loader_threads", "must be \"auto\" or a number of threads, got " + describe_json_value(*threads));
  } else {
    d.loader_threads = r.integer("loader_threads", d.loader_threads, Range::between(0, 64));
  }
  d.prefetch_batches = r.integer("prefetch_batches", d.prefetch_batches, Range::between(1, 1024));
  d.cache = r.boolean("cache", d.cache);
  d.class_names = r.strings("class_names", d.class_names);
  d.validation_fraction = r.number("validation_fraction", d.validation_fraction, {0.0, 1.0, false, true});
  d.stratify = r.boolean("stratify", d.stratify);
  d.max_train_samples = r.integer("max_train_samples", d.max_train_samples, Range::at_least(0));
  d.max_test_samples = r.integer("max_test_samples", d.max_test_samples, Range::at_least(0));
  if (const Json* normalize = r.raw("normalize"); normalize && normalize->is_string()) {
    if (*normalize != "auto")
      r.fail("normalize", "must be \"auto\" or {\"mean\": ..., \"std\": ...}, got " + describe_json_value(*normalize));
    d.normalize_auto = true;
  } else {
    auto values = r.object("normalize");
    d.normalize_mean = values.numbers("mean", d.normalize_mean);
    d.normalize_std = values.numbers("std", d.normalize_std, Range::greater_than(0));
    values.finish();
  }
  r.finish();
  return d;
}

// An ImageNet backbone sees pictures as it was trained on them: decoded at
// 256, the centre 224 cut out, normalised by ImageNet's channel statistics —
// each only where the experiment does not say otherwise.
void fill_in_imagenet_preprocessing(Experiment& e, const Json& document) {
  if (!e.model.is_imagenet_backbone() || !is_image_source(e.data.source)) return;
  const Json& data = document.at("data");
  const bool colour = e.data.channels == 3 || (e.data.channels == 0 && e.data.source == DataSource::Cifar10);
  if (colour && !data.contains("normalize")) {
    e.data.normalize_mean = kImageNetMean;
    e.data.normalize_std = kImageNetStd;
  }
  if (e.data.source == DataSource::ImageFolder && !data.contains("image_size") && !data.contains("center_crop")) {
    const std::int64_t side = imagenet_resize_for(kImageNetInputSize, kImageNetCropFraction);
    e.data.image_size = {side, side};
    e.data.center_crop = {kImageNetInputSize, kImageNetInputSize};
  }
}

EvalSpec parse_eval(JsonObjectReader r) {
  EvalSpec e;
  e.batch_size = r.integer("batch_size", e.batch_size, Range::between(1, 1 << 20));
  r.finish();
  return e;
}

}  // namespace

fs::path Experiment::resolve(const std::string& path) const {
  const fs::path p(path);
  if (p.is_absolute() || base_dir.empty()) return p;
  return (base_dir / p).lexically_normal();
}

bool is_text_classification(const Experiment& e) {
  return e.task == Task::Classification && is_text_source(e.data.source);
}

bool is_fine_tuning(const Experiment& e) { return e.task == Task::LanguageModel && e.stage == Stage::Sft; }

bool is_reward_modelling(const Experiment& e) { return e.task == Task::LanguageModel && e.stage == Stage::Reward; }

bool is_direct_preference(const Experiment& e) { return e.task == Task::LanguageModel && e.stage == Stage::Dpo; }

bool is_policy_optimisation(const Experiment& e) { return e.task == Task::LanguageModel && e.stage == Stage::Ppo; }

bool is_chat_policy(const Experiment& e) {
  return is_fine_tuning(e) || is_direct_preference(e) || is_policy_optimisation(e);
}

bool is_pruning(const Experiment& e) { return e.stage == Stage::Prune; }
bool is_channel_pruning(const Experiment& e) { return e.stage == Stage::Prune && e.compress.method == "channels"; }

bool is_distillation(const Experiment& e) { return e.stage == Stage::Distill; }

bool reads_preference_pairs(const Experiment& e) { return is_reward_modelling(e) || is_direct_preference(e); }

namespace {

// Each stage reads its own kind of data, and those kinds only that stage.
void check_stage_reads_its_source(const Experiment& e) {
  const bool pairs_stage = e.stage == Stage::Reward || e.stage == Stage::Dpo;
  if (e.stage == Stage::Sft && e.data.source != DataSource::Dialogues)
    throw ConfigError("data.source: stage \"sft\" reads \"dialogues\" (JSONL conversations), got \"" +
                      to_string(e.data.source) + "\"");
  if (pairs_stage && e.data.source != DataSource::Preferences)
    throw ConfigError("data.source: stage \"" + to_string(e.stage) +
                      "\" reads \"preferences\" (JSONL preference pairs), got \"" + to_string(e.data.source) + "\"");
  if (e.stage == Stage::Ppo && e.data.source != DataSource::Prompts)
    throw ConfigError("data.source: stage \"ppo\" reads \"prompts\" (JSONL prompts), got \"" +
                      to_string(e.data.source) + "\"");
  if (e.stage != Stage::Sft && e.data.source == DataSource::Dialogues)
    throw ConfigError("data.source: \"dialogues\" is read by task \"language_model\" with stage \"sft\"");
  if (!pairs_stage && e.data.source == DataSource::Preferences)
    throw ConfigError(
        "data.source: \"preferences\" is read by task \"language_model\" with stage \"reward\" or \"dpo\"");
  if (e.stage != Stage::Ppo && e.data.source == DataSource::Prompts)
    throw ConfigError("data.source: \"prompts\" is read by task \"language_model\" with stage \"ppo\"");
}

// PPO's own loop reads align's settings in place of these.
void check_ppo_training(const Experiment& e) {
  if (e.train.accumulate_steps != 1)
    throw ConfigError(
        "train.accumulate_steps: PPO steps the optimizer once per align.minibatch_size rollouts; leave it at 1");
  if (e.train.precision != Precision::Float32) throw ConfigError("train.precision: PPO runs in \"float32\"");
  if (e.train.early_stopping.enabled)
    throw ConfigError("train.early_stopping: PPO has no validation loss to watch; set train.epochs instead");
  if (e.train.schedule.type == "plateau")
    throw ConfigError("train.schedule: \"plateau\" needs a validation loss; PPO has none");
  if (e.train.l1 > 0 || e.train.label_smoothing > 0)
    throw ConfigError(std::string("train.") + (e.train.l1 > 0 ? "l1" : "label_smoothing") + ": not used by PPO");
}

// Pruning and distillation: what each compresses, and what their training may not do.
void check_compression_stage(const Experiment& e, bool has_model_section, bool text) {
  if (e.stage == Stage::Distill) {
    if (e.task == Task::Regression)
      throw ConfigError(
          "stage: \"distill\" matches the teacher's class (or next-token) probabilities; task \"regression\" has none");
    if (is_text_source(e.data.source) && e.task == Task::Classification)
      throw ConfigError(
          "stage: \"distill\" of text classifiers is not built; image and table classifiers and language models are");
    if (!has_model_section) throw ConfigError("model: required for stage \"distill\": the student's architecture");
  }
  if (e.stage == Stage::Prune) {
    if (text)
      throw ConfigError(
          "stage: \"prune\" compresses image and table models (sources idx, cifar10, image_folder, csv), got source \"" +
          to_string(e.data.source) + "\"");
    if (e.train.early_stopping.enabled)
      throw ConfigError(
          "train.early_stopping: a pruned run ends at its final sparsity; early stopping would keep an "
          "earlier, denser epoch. Set train.epochs instead");
    if (e.train.epochs < e.compress.cycles)
      throw ConfigError("train.epochs: " + std::to_string(e.train.epochs) + " is fewer than compress.cycles " +
                        std::to_string(e.compress.cycles) +
                        " (pruning happens at the start of each of the first cycles epochs)");
  }
}

// Which sources and models a task reads (`text`: the source holds text of some kind).
void check_task_source(const Experiment& e, bool text) {
  if (e.task == Task::LanguageModel && !text)
    throw ConfigError("data.source: task \"language_model\" reads \"text\", \"jsonl\" or \"tokens\", got \"" +
                      to_string(e.data.source) + "\"");
  if (e.data.source == DataSource::Tokens && (e.task != Task::LanguageModel || e.stage != Stage::Pretrain))
    throw ConfigError(
        "data.source: \"tokens\" (a token corpus) is read by language-model pretraining only, not task \"" +
        to_string(e.task) + "\" stage \"" + to_string(e.stage) + "\"");
}

void check_task_model(const Experiment& e, const Json& document, bool text) {
  const bool has_data_field = document.contains("data") && document["data"].is_object();
  if (e.task == Task::LanguageModel && e.model.type != "gpt" && !e.model.is_recurrent() && !e.model.is_pretrained())
    throw ConfigError("model.type: task \"language_model\" needs \"lstm\", \"gru\", \"rnn\" or \"gpt\", got \"" +
                      e.model.type + "\"");
  // A model folder's weights are tuned, not trained from nothing: continued pretraining and stages sft, reward,
  // dpo and ppo read them (init_from).
  const bool tunes_model_folders = e.task == Task::LanguageModel &&
                                   (e.stage == Stage::Pretrain || e.stage == Stage::Sft || e.stage == Stage::Reward ||
                                    e.stage == Stage::Dpo || e.stage == Stage::Ppo || e.stage == Stage::Distill);
  if (e.model.is_pretrained() && !tunes_model_folders)
    throw ConfigError(
        "model.type: \"pretrained\" (a Hugging Face model folder) is tuned by stages \"pretrain\" (continued), "
        "\"sft\", \"reward\", \"dpo\", \"ppo\" and \"distill\" (a student) of task \"language_model\", got "
        "stage \"" +
        to_string(e.stage) + "\" of task \"" + to_string(e.task) + "\"");
  if (e.model.is_pretrained() && e.stage == Stage::Pretrain && e.init_from.empty())
    throw ConfigError(
        "init_from: required with model.type \"pretrained\" in stage \"pretrain\": the model folder whose "
        "pretraining continues");
  if (e.stage == Stage::Pretrain && e.data.source == DataSource::Tokens &&
      (e.model_inherited || e.model.is_pretrained()))
    throw ConfigError(
        "data.source: \"tokens\": a token corpus keeps the tokenizer it was written with; continued pretraining "
        "reads \"text\" or \"jsonl\" through the model's own tokenizer");
  for (const char* field : {"class_names", "stratify"})
    if (e.task != Task::Classification && has_data_field && document["data"].contains(field))
      throw ConfigError(std::string("data.") + field + ": task \"" + to_string(e.task) + "\" has no classes" +
                        (e.task == Task::Regression ? " (it predicts numbers)" : ""));
  if (e.task == Task::Regression && e.data.source != DataSource::Csv)
    throw ConfigError("data.source: task \"regression\" reads a \"csv\" table, got \"" + to_string(e.data.source) +
                      "\"");
  if (e.task == Task::Regression && e.model.type != "mlp")
    throw ConfigError("model.type: task \"regression\" on a table needs \"mlp\", got \"" + e.model.type + "\"");
  if (e.task == Task::Classification && text && !e.model.is_recurrent() && e.model.type != "encoder")
    throw ConfigError("model.type: text classification needs \"lstm\", \"gru\", \"rnn\" or \"encoder\", got \"" +
                      e.model.type + "\"");
  if (!text && e.model.reads_tokens())
    throw ConfigError("model.type: \"" + e.model.type + "\" reads text (source \"text\" or \"jsonl\"); for " +
                      to_string(e.data.source) + " data use \"mlp\", \"cnn\", \"lenet5\" or \"resnet\"");
  if (e.data.categorical_encoding == "embedding" && e.model.type != "mlp")
    throw ConfigError(
        "data.categorical_encoding: \"embedding\" feeds category indices to an \"mlp\", got model type \"" +
        e.model.type + "\"");
  // LoRA and checkpointing are built into the Hugging Face architectures; an inherited model is checked by the stage.
  for (const auto& [field, asked] :
       {std::pair<const char*, bool>{"lora", e.train.lora.enabled},
        std::pair<const char*, bool>{"gradient_checkpointing", e.train.gradient_checkpointing}}) {
    if (!asked) continue;
    if (!tunes_model_folders)
      throw ConfigError(
          std::string("train.") + field +
          ": stages \"pretrain\" (continued), \"sft\", \"reward\", \"dpo\", \"ppo\" and \"distill\" of task "
          "\"language_model\" read it (a model from a Hugging Face folder), got stage \"" +
          to_string(e.stage) + "\"");
    if (!e.model_inherited && !e.model.is_pretrained())
      throw ConfigError(std::string("train.") + field +
                        ": tunes a model read from a Hugging Face folder (init_from the folder), got model type \"" +
                        e.model.type + "\"");
  }
  if (e.data.validation_fraction == 0 && e.train.early_stopping.enabled)
    throw ConfigError("train.early_stopping: needs a validation split; data.validation_fraction is 0");
  if (e.data.validation_fraction == 0 && e.train.schedule.type == "plateau")
    throw ConfigError("train.schedule: \"plateau\" watches the validation loss; data.validation_fraction is 0");
  if (!e.data.class_names.empty() && e.data.class_names.size() < 2)
    throw ConfigError("data.class_names: a classifier needs at least 2 classes, got 1");
}

}  // namespace

Experiment parse_experiment(const Json& document) {
  JsonObjectReader r(document, "");
  Experiment e;
  const auto version = r.integer("format_version", kExperimentFormatVersion);
  if (version != kExperimentFormatVersion)
    r.fail("format_version", "this Cradle reads version " + std::to_string(kExperimentFormatVersion) + ", got " +
                                 std::to_string(version));
  e.name = r.required_string("name");
  if (!is_safe_name(e.name))
    r.fail("name", "use letters, digits, '-', '_' and '.' only (it names the run folder), got \"" + e.name + "\"");
  e.description = r.string("description", "");
  e.task = *parse_task(r.choice("task", to_string(e.task), task_names()));
  e.seed = static_cast<std::uint64_t>(r.integer("seed", static_cast<std::int64_t>(e.seed), Range::at_least(0)));
  e.threads = r.integer("threads", e.threads, Range::between(0, 1024));
  e.device = r.choice("device", e.device, {"cpu", "cuda", "auto"});
  e.stage = *parse_stage(r.choice("stage", to_string(e.stage), stage_names()));
  const bool compression_stage = e.stage == Stage::Prune || e.stage == Stage::Distill;
  if (e.stage != Stage::Pretrain && !compression_stage && e.task != Task::LanguageModel)
    r.fail("stage", "only task \"language_model\" has the alignment stages, got task \"" + to_string(e.task) + "\"");
  e.init_from = r.string("init_from", e.init_from);
  const bool starts_from_a_run =
      e.stage != Stage::Pretrain && e.stage != Stage::Distill;  // a student starts from scratch
  if (starts_from_a_run && e.init_from.empty())
    r.fail("init_from", "required for stage \"" + to_string(e.stage) +
                            "\": the folder of the run it starts from (pretrained or fine-tuned)");
  // Plain training may start from another run's or bundle's weights (transfer learning); a student may not.
  if (e.stage == Stage::Distill && r.has("init_from"))
    r.fail("init_from", "a distilled student starts from scratch; stage \"distill\" does not read it");
  if (!r.has("data")) r.fail("data", "required");
  e.data = parse_data(r.object("data"), e.task);
  e.model = parse_model_spec(r.object("model"), e.task);
  fill_in_imagenet_preprocessing(e, document);
  e.train = parse_train_spec(r.object("train"), e.task);
  if (stage_has_align_section(e.stage))
    e.align = parse_align_spec(r.object("align"), e.stage);
  else if (r.has("align"))
    r.fail("align", "only the stages reward, dpo and ppo read it, got stage \"" + to_string(e.stage) + "\"");
  if (stage_has_compress_section(e.stage))
    e.compress = parse_compress_spec(r.object("compress"), e.stage);
  else if (r.has("compress"))
    r.fail("compress", "only the stages prune and distill read it, got stage \"" + to_string(e.stage) + "\"");
  e.eval = parse_eval(r.object("eval"));
  r.finish();
  // The task decides which sources and models make sense.
  const bool text =
      is_text_source(e.data.source) || is_conversation_source(e.data.source) || e.data.source == DataSource::Tokens;
  check_stage_reads_its_source(e);
  if (e.stage == Stage::Ppo) check_ppo_training(e);
  check_compression_stage(e, document.contains("model"), text);
  check_task_source(e, text);
  // A later stage takes the model of the run it starts from (core/run/stages/base_run.cpp); without a
  // model section there is nothing of the user's to check.
  // Continued pretraining: a language model's pretraining that starts from a model folder or another run takes its model.
  const bool continues_pretraining =
      e.stage == Stage::Pretrain && e.task == Task::LanguageModel && !e.init_from.empty();
  if ((starts_from_a_run || continues_pretraining) && !document.contains("model")) {
    e.model_inherited = true;
    // A placeholder until the run it starts from gives its model.
    e.model.type = e.stage == Stage::Prune ? "mlp" : "gpt";
  }
  check_task_model(e, document, text);
  return e;
}

namespace {

// The text sources' fields (text, jsonl).
void write_text_source_fields(Json& data, const Experiment& e) {
  const DataSpec& d = e.data;
  data["paths"] = d.paths;
  data["include"] = d.include;
  data["exclude"] = d.exclude;
  if (d.source == DataSource::Text) {
    data["records"] = d.records;
    if (d.records == "separator") data["separator"] = d.separator;
    if (e.task == Task::Classification) data["label_from"] = d.label_from;
  } else {
    data["text_field"] = d.text_field;
    if (e.task == Task::Classification) data["label_field"] = d.label_field;
  }
  data["on_bad_record"] = d.on_bad_record;
  Json steps = Json::array();
  for (const auto& step : d.steps) steps.push_back(text_step_to_json(step));
  data["steps"] = std::move(steps);
  data["tokenizer"] = Json{{"type", d.tokenizer.type},
                           {"vocab_size", d.tokenizer.vocab_size},
                           {"character_coverage", d.tokenizer.character_coverage},
                           {"special_tokens", d.tokenizer.special_tokens}};
  data["context_length"] = d.context_length;
  data["test_fraction"] = d.test_fraction;
}

// The fields only the experiment's source reads, after "source".
void write_source_fields(Json& data, const Experiment& e) {
  const DataSpec& d = e.data;
  switch (d.source) {
    case DataSource::Idx:
      data["train_images"] = d.train_images;
      data["train_labels"] = d.train_labels;
      data["test_images"] = d.test_images;
      data["test_labels"] = d.test_labels;
      break;
    case DataSource::Csv:
      data["file"] = d.file;
      write_test_split(data, "test_file", d.test_file, d.test_fraction);
      data["target"] = d.target;
      data["columns"] = d.columns;
      data["categorical"] = d.categorical;
      data["categorical_encoding"] = d.categorical_encoding;
      data["missing"] = d.missing;
      if (d.missing == "fill_constant") data["fill_value"] = d.fill_value;
      data["scaling"] = d.scaling;
      break;
    case DataSource::Text:
    case DataSource::Jsonl: write_text_source_fields(data, e); break;
    case DataSource::Tokens:
      data["folder"] = d.folder;
      data["context_length"] = d.context_length;
      break;
    case DataSource::Dialogues:
    case DataSource::Preferences:
    case DataSource::Prompts:
      data["paths"] = d.paths;
      data["include"] = d.include;
      data["exclude"] = d.exclude;
      data["on_bad_record"] = d.on_bad_record;
      data["context_length"] = d.context_length;
      data["test_fraction"] = d.test_fraction;
      if (d.source == DataSource::Dialogues) data["packing"] = d.packing;
      break;
    case DataSource::Cifar10:
    case DataSource::ImageFolder: data["folder"] = d.folder; break;
  }
  if ((d.source == DataSource::Idx || d.source == DataSource::Cifar10) && d.channels != 0)
    data["channels"] = d.channels;
  if (d.source == DataSource::ImageFolder) {
    write_test_split(data, "test_folder", d.test_folder, d.test_fraction);
    data["image_size"] = d.image_size;
    data["channels"] = d.channels;
    data["resize"] = d.resize;
    data["on_bad_file"] = d.on_bad_file;
  }
}

Json data_to_json(const Experiment& e) {
  const DataSpec& d = e.data;
  Json data = Json::object();
  data["source"] = to_string(d.source);
  write_source_fields(data, e);
  const bool text = is_text_source(d.source) || is_conversation_source(d.source) || d.source == DataSource::Tokens;
  const bool labelled = e.task == Task::Classification;
  if (labelled) data["class_names"] = d.class_names;
  data["validation_fraction"] = d.validation_fraction;
  if (labelled) data["stratify"] = d.stratify;
  data["max_train_samples"] = d.max_train_samples;
  data["max_test_samples"] = d.max_test_samples;
  if (is_image_source(d.source)) {
    data["center_crop"] = d.center_crop;
    Json augment = Json::array();
    for (const auto& step : d.augment) augment.push_back(augment_step_to_json(step));
    data["augment"] = std::move(augment);
  }
  data["loader_threads"] = d.loader_threads == kAutoLoaderThreads ? Json("auto") : Json(d.loader_threads);
  data["prefetch_batches"] = d.prefetch_batches;
  data["cache"] = d.cache;
  if (d.source != DataSource::Csv && !text) {
    const auto one_or_many = [](const std::vector<double>& v) { return v.size() == 1 ? Json(v.front()) : Json(v); };
    data["normalize"] = d.normalize_auto
                            ? Json("auto")
                            : Json{{"mean", one_or_many(d.normalize_mean)}, {"std", one_or_many(d.normalize_std)}};
  }
  return data;
}

}  // namespace

Json experiment_to_json(const Experiment& e) {
  Json doc = Json::object();
  doc["format_version"] = kExperimentFormatVersion;
  doc["name"] = e.name;
  doc["description"] = e.description;
  doc["task"] = to_string(e.task);
  doc["seed"] = e.seed;
  doc["threads"] = e.threads;
  doc["device"] = e.device;
  if (e.stage != Stage::Pretrain) doc["stage"] = to_string(e.stage);
  if (!e.init_from.empty()) doc["init_from"] = e.init_from;
  doc["data"] = data_to_json(e);
  if (!e.model_inherited) doc["model"] = model_spec_to_json(e.model, e.task);
  doc["train"] = train_spec_to_json(e.train, e.task);
  if (stage_has_align_section(e.stage)) doc["align"] = align_spec_to_json(e.align, e.stage);
  if (stage_has_compress_section(e.stage)) doc["compress"] = compress_spec_to_json(e.compress, e.stage);
  doc["eval"] = Json{{"batch_size", e.eval.batch_size}};
  return doc;
}

std::string serialize_experiment(const Experiment& experiment) { return experiment_to_json(experiment).dump(2) + "\n"; }

Json parse_json_text(const std::string& text, const std::string& origin) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& error) {
    // Syntax errors read "[json.exception.parse_error.101] parse error at line 3, column 5: ...";
    // a number too large for a double is an out_of_range error with no position.
    std::string message = error.what();
    const auto bracket = message.find("] ");
    if (message.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos)
      message = message.substr(bracket + 2);
    throw ConfigError(origin + ": " + message);
  }
}

Experiment load_experiment(const fs::path& file, const std::vector<std::string>& overrides) {
  Json document = parse_json_text(read_file(file), file.string());
  for (const auto& assignment : overrides) apply_override(document, assignment);
  Experiment experiment;
  try {
    experiment = parse_experiment(document);
  } catch (const ConfigError& error) {
    throw ConfigError(file.string() + ": " + error.what());
  }
  experiment.base_dir = fs::absolute(file).parent_path();
  return experiment;
}

Experiment with_absolute_paths(const Experiment& experiment) {
  Experiment copy = experiment;
  for (auto& path : copy.data.paths) path = fs::absolute(experiment.resolve(path)).lexically_normal().string();
  for (std::string* path :
       {&copy.init_from, &copy.model.folder, &copy.align.reward_run, &copy.compress.teacher, &copy.data.folder,
        &copy.data.test_folder, &copy.data.file, &copy.data.test_file, &copy.data.train_images, &copy.data.train_labels,
        &copy.data.test_images, &copy.data.test_labels})
    if (!path->empty()) *path = fs::absolute(experiment.resolve(*path)).lexically_normal().string();
  return copy;
}

}  // namespace cradle
