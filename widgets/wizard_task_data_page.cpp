#include "widgets/wizard_task_data_page.h"

#include "core/data/augmentation_steps.h"
#include "core/experiment/experiment_templates.h"
#include "core/text/text_steps.h"
#include "widgets/data_preview_panel.h"
#include "widgets/step_list_editor.h"

namespace cradle {
namespace {

std::string source_of(const Json& doc) { return section_of(doc, "data").value("source", std::string()); }

std::function<bool(const Json&)> source_in(std::vector<std::string> sources) {
  return
      [sources](const Json& doc) { return std::find(sources.begin(), sources.end(), source_of(doc)) != sources.end(); };
}

// A named test split (file or folder) or a held-out share: one or the other.
Json with_test_split(const Json& doc, const char* key, const Json& value) {
  Json out = doc;
  Json& data = out["data"];
  if (value.is_string() && !value.get<std::string>().empty()) {
    data[key] = value;
    data.erase("test_fraction");
  } else {
    data.erase(key);
    if (!data.contains("test_fraction")) data["test_fraction"] = 0.2;
  }
  return out;
}

// A choice with a field of its own only while one value is chosen (the
// separator line of "separator" records, the constant of "fill_constant").
std::function<Json(const Json&, const Json&)> with_dependent(const char* key, const char* value, const char* dependent,
                                                             Json fallback) {
  return [=](const Json& doc, const Json& chosen) {
    Json out = doc;
    Json& data = out["data"];
    data[key] = chosen;
    if (chosen == Json(value)) {
      if (!data.contains(dependent)) data[dependent] = fallback;
    } else {
      data.erase(dependent);
    }
    return out;
  };
}

Json text_step_defaults(const std::string& op) {
  Json step = {{"op", op}};
  return text_step_to_json(parse_text_step(JsonObjectReader(step, "data.steps[]")));
}

Json augment_step_defaults(const std::string& op) {
  Json step = {{"op", op}};
  return augment_step_to_json(parse_augment_step(JsonObjectReader(step, "data.augment[]")));
}

}  // namespace

TaskDataPage::TaskDataPage(ExperimentDocument* document, QWidget* parent) : WizardPage(document, parent) {
  setTitle(tr("Task and data"));
  setSubTitle(tr("What the model learns, from which data, and how the data is prepared."));
  addFields();
  preview_ = new DataPreviewPanel(this);
  placeBesideForm(preview_, 5, 4);
}

void TaskDataPage::addFields() {
  DocumentForm* f = form_;
  const auto images = source_in({"idx", "cifar10", "image_folder"});
  const auto classification = [](const Json& doc) {
    return doc.is_object() && doc.value("task", std::string()) == "classification";
  };

  f->addSection(tr("Experiment"));
  f->addField({"name", tr("Name:"), FieldKind::Text,
               tr("Names the experiment and its run folders: letters, digits, '-', '_' and '.'.")});
  f->addField({"description", tr("Description:"), FieldKind::Text, tr("A sentence for people browsing the projects.")});
  FieldSpec task{"task",
                 tr("Task:"),
                 FieldKind::Choice,
                 tr("What the model learns. Changing it starts the data, model and training settings afresh."),
                 {{"image_classification", tr("Image classification")},
                  {"table_classification", tr("Table classification")},
                  {"table_regression", tr("Table regression")},
                  {"text_classification", tr("Text classification")},
                  {"language_model", tr("Language model")},
                  {"chat_fine_tuning", tr("Chat fine-tuning (SFT) of a Hugging Face model or a run")}}};
  task.visible = [](const Json&) { return true; };
  task.derive = [](const Json& doc) { return Json(task_kind_of(doc).id); };
  task.reshape = [](const Json& doc, const Json& value) { return with_task_kind(doc, value.get<std::string>()); };
  f->addField(task);

  f->addSection(tr("Source"));
  FieldSpec source{"data.source",
                   tr("Source:"),
                   FieldKind::Choice,
                   tr("Where the samples come from."),
                   {{"idx", tr("MNIST-format files (IDX)")},
                    {"cifar10", tr("CIFAR-10 binary batches")},
                    {"image_folder", tr("Image folder (one sub-folder per class)")},
                    {"csv", tr("CSV table")},
                    {"text", tr("Text files")},
                    {"jsonl", tr("JSON Lines records")},
                    {"tokens", tr("Token corpus (cradle-cli data tokenize)")},
                    {"dialogues", tr("Dialogues (JSON Lines conversations)")}}};
  source.reshape = [](const Json& doc, const Json& value) { return with_data_source(doc, value.get<std::string>()); };
  source.offered = [](const Json& doc, const QString& value) {
    const auto& sources = task_kind_of(doc).sources;
    const auto offered = parse_data_source(value.toStdString());
    return offered && std::find(sources.begin(), sources.end(), *offered) != sources.end();
  };
  f->addField(source);
  f->addField(
      {"data.train_images", tr("Training images:"), FieldKind::File, tr("IDX file of training images (.gz or not).")});
  f->addField({"data.train_labels", tr("Training labels:"), FieldKind::File, tr("IDX file of training labels.")});
  f->addField({"data.test_images", tr("Test images:"), FieldKind::File, tr("IDX file of test images.")});
  f->addField({"data.test_labels", tr("Test labels:"), FieldKind::File, tr("IDX file of test labels.")});
  f->addField({"data.folder", tr("Folder:"), FieldKind::Folder,
               tr("CIFAR-10: the cifar-10-batches-bin folder. Image folder: one sub-folder of images per class. "
                  "Token corpus: the folder cradle-cli data tokenize wrote (memory-mapped, never read whole).")});
  FieldSpec testFolder{
      "data.test_folder", tr("Test folder:"), FieldKind::Folder,
      tr("Optional: a folder laid out like the training one. Empty: a share of the training images is held out.")};
  testFolder.visible = source_in({"image_folder"});
  testFolder.reshape = [](const Json& doc, const Json& value) { return with_test_split(doc, "test_folder", value); };
  f->addField(testFolder);
  f->addField({"data.file", tr("Table:"), FieldKind::File, tr("CSV file with a header row.")});
  FieldSpec testFile{"data.test_file", tr("Test table:"), FieldKind::File,
                     tr("Optional: a CSV file with the same columns. Empty: a share of the rows is held out.")};
  testFile.visible = source_in({"csv"});
  testFile.reshape = [](const Json& doc, const Json& value) { return with_test_split(doc, "test_file", value); };
  f->addField(testFile);
  f->addField({"data.target", tr("Target column:"), FieldKind::Text, tr("The column the model predicts.")});
  f->addField({"data.columns", tr("Feature columns:"), FieldKind::TextList,
               tr("Comma-separated. Empty: every column but the target.")});
  f->addField({"data.categorical", tr("Categorical columns:"), FieldKind::TextList,
               tr("Columns holding categories rather than numbers.")});
  f->addField({"data.categorical_encoding",
               tr("Categories as:"),
               FieldKind::Choice,
               tr("One-hot columns, or an index per column fed to a learned embedding (MLP only)."),
               {{"one_hot", tr("one-hot")}, {"embedding", tr("embedding")}}});
  FieldSpec missing{"data.missing",
                    tr("Missing values:"),
                    FieldKind::Choice,
                    tr("What to do with empty cells."),
                    {{"fill_mean", tr("fill with the column mean")},
                     {"fill_constant", tr("fill with a constant")},
                     {"drop_row", tr("drop the row")}}};
  missing.reshape = with_dependent("missing", "fill_constant", "fill_value", 0.0);
  f->addField(missing);
  f->addField({"data.fill_value", tr("Fill value:"), FieldKind::Number, tr("The constant for empty cells.")});
  f->addField({"data.scaling",
               tr("Scaling:"),
               FieldKind::Choice,
               tr("Fitted on the training rows only."),
               {{"standard", tr("standardise (mean 0, deviation 1)")},
                {"minmax", tr("min-max to [0, 1]")},
                {"none", tr("none")}}});
  f->addField({"data.paths", tr("Files or folders:"), FieldKind::PathList,
               tr("One per line; folders are searched for matching files.")});
  f->addField({"data.include", tr("Include:"), FieldKind::TextList,
               tr("File-name patterns taken from folders, such as *.txt.")});
  f->addField({"data.exclude", tr("Exclude:"), FieldKind::TextList, tr("File-name patterns left out of folders.")});
  FieldSpec records{"data.records",
                    tr("Records:"),
                    FieldKind::Choice,
                    tr("How text files are cut into records."),
                    {{"file", tr("one per file")},
                     {"line", tr("one per line")},
                     {"paragraph", tr("one per paragraph")},
                     {"separator", tr("split at a separator line")}}};
  records.reshape = with_dependent("records", "separator", "separator", "%");
  f->addField(records);
  f->addField({"data.separator", tr("Separator line:"), FieldKind::Text, tr("The line between records, such as %.")});
  f->addField(
      {"data.text_field", tr("Text field:"), FieldKind::Text, tr("The JSON field holding each record's text.")});
  f->addField(
      {"data.label_field", tr("Label field:"), FieldKind::Text, tr("The JSON field holding each record's class.")});
  f->addField({"data.label_from",
               tr("Class from:"),
               FieldKind::Choice,
               tr("Where a text file's class comes from."),
               {{"folder", tr("its sub-folder")}, {"file", tr("its file name")}}});
  f->addField({"data.on_bad_record",
               tr("Bad records:"),
               FieldKind::Choice,
               tr("Invalid UTF-8 or malformed lines: stop with a message, or leave them out."),
               {{"fail", tr("stop")}, {"skip", tr("skip")}}});
  f->addField(
      {"data.image_size", tr("Image size:"), FieldKind::IntegerList, tr("Height, width the images are decoded to.")});
  FieldSpec channels{"data.channels", tr("Channels:"), FieldKind::Integer,
                     tr("1 grayscale, 3 colour; 0 keeps the source's (IDX and CIFAR-10).")};
  channels.visible = images;
  channels.fallback = 0;
  f->addField(channels);
  f->addField({"data.resize",
               tr("Resize:"),
               FieldKind::Choice,
               tr("Stretch to the size, or pad to keep the aspect ratio."),
               {{"stretch", tr("stretch")}, {"pad", tr("pad")}}});
  f->addField({"data.on_bad_file",
               tr("Unreadable images:"),
               FieldKind::Choice,
               tr("Stop with a message, or leave them out."),
               {{"fail", tr("stop")}, {"skip", tr("skip")}}});

  f->addSection(tr("Preprocessing"));
  textSteps_ = new StepListEditor(document_, QStringLiteral("data.steps"), text_step_ops(), text_step_defaults, f);
  f->addCustomField({"data.steps", tr("Cleaning steps:"), FieldKind::Custom,
                     tr("Applied to every record in order: cleaning, normalisation, de-duplication, length filter.")},
                    textSteps_);
  f->addField(
      {"data.tokenizer.type",
       tr("Tokenizer:"),
       FieldKind::Choice,
       tr("Characters, or sentencepiece subwords trained on the training split."),
       {{"char", tr("characters")}, {"bpe", tr("BPE (sentencepiece)")}, {"unigram", tr("unigram (sentencepiece)")}}});
  f->addField({"data.tokenizer.vocab_size", tr("Vocabulary size:"), FieldKind::Integer,
               tr("Tokens the subword tokenizer learns (0 for characters).")});
  f->addField(
      {"data.tokenizer.character_coverage", tr("Character coverage:"), FieldKind::Number,
       tr("Share of characters the subword tokenizer must cover (1.0 for small alphabets, 0.9995 for Chinese).")});
  f->addField({"data.tokenizer.special_tokens", tr("Special tokens:"), FieldKind::TextList,
               tr("Tokens kept whole, such as chat role markers.")});
  f->addField({"data.context_length", tr("Context length:"), FieldKind::Integer,
               tr("Tokens per training sequence; for classification, texts are cut to this length.")});
  f->addField({"data.center_crop", tr("Centre crop:"), FieldKind::IntegerList,
               tr("Height, width cut from the centre after loading. Empty: none.")});
  augment_ = new StepListEditor(
      document_, QStringLiteral("data.augment"),
      {"hflip", "vflip", "rotate", "random_resized_crop", "brightness", "contrast", "noise", "cutout"},
      augment_step_defaults, f);
  f->addCustomField({"data.augment", tr("Augmentation:"), FieldKind::Custom,
                     tr("Random changes to training images, in order; p is the share of images changed.")},
                    augment_);
  FieldSpec automatic{"data.normalize", tr("Normalise automatically:"), FieldKind::Bool,
                      tr("Compute each channel's mean and deviation on the training split.")};
  automatic.visible = images;
  automatic.derive = [](const Json& doc) {
    return Json(section_of(doc, "data").value("normalize", Json()) == Json("auto"));
  };
  automatic.reshape = [](const Json& doc, const Json& value) {
    Json out = doc;
    out["data"]["normalize"] = value.get<bool>() ? Json("auto") : Json{{"mean", 0.0}, {"std", 1.0}};
    return out;
  };
  f->addField(automatic);
  f->addField({"data.normalize.mean", tr("Mean:"), FieldKind::NumberOrList,
               tr("Subtracted from pixels scaled to [0, 1]: one value, or one per channel.")});
  f->addField({"data.normalize.std", tr("Deviation:"), FieldKind::NumberOrList,
               tr("Pixels are divided by it after the mean.")});

  f->addSection(tr("Splits"));
  FieldSpec classes{"data.class_names", tr("Class names:"), FieldKind::TextList,
                    tr("Comma-separated, in label order. Empty: the labels found.")};
  classes.visible = classification;
  f->addField(classes);
  f->addField({"data.test_fraction", tr("Test share:"), FieldKind::Number,
               tr("Share of the data held out for the final test.")});
  f->addField({"data.validation_fraction", tr("Validation share:"), FieldKind::Number,
               tr("Share of the training data held out to watch overfitting (seeded).")});
  f->addField({"data.stratify", tr("Stratify:"), FieldKind::Bool, tr("Held-out splits keep each class's share.")});
  f->addField({"data.max_train_samples", tr("Training samples:"), FieldKind::Integer,
               tr("0: all; otherwise a seeded subset, for quick trials.")});
  f->addField({"data.max_test_samples", tr("Test samples:"), FieldKind::Integer, tr("0: all; otherwise the first N.")});
}

}  // namespace cradle
