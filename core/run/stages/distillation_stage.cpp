// Stage "distill": a smaller student (the experiment's model, from scratch)
// trained on a finished teacher run's data to match the teacher's class (or
// next-token) probabilities as well as the labels (compress.alpha,
// compress.temperature). Image and table classifiers and language models can
// be distilled; report.json compares the student with its teacher. A language
// model's teacher may be a Hugging Face model folder, and its student another
// folder with the same tokenizer (model type "pretrained": it starts from its
// own weights, with LoRA where train.lora asks).
#include "core/common/error.h"
#include "core/compress/distillation.h"
#include "core/hub/hub_model.h"
#include "core/hub/hub_tokenizer.h"
#include "core/models/model_factory.h"
#include "core/run/compression_comparison.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"
#include "core/run/stages/classification_stage.h"
#include "core/run/stages/compression_report.h"
#include "core/run/stages/language_model_stage.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {
namespace {

// The teacher run: its frozen experiment (checked against the student's), its model and the loss that follows it.
class DistillationTeacher {
 public:
  void load(const Experiment& student) {
    const std::string& run = student.compress.teacher;
    model_folder_ = is_hub_model_folder(run);
    experiment_ =
        model_folder_ ? model_folder_experiment(run) : load_experiment(open_run_folder(run).experiment_file());
    if (experiment_.task != student.task || is_text_classification(experiment_) != is_text_classification(student))
      throw ConfigError("compress.teacher: " + run + " is a task \"" + to_string(experiment_.task) + "\" run on " +
                        to_string(experiment_.data.source) + " data; the student's task is \"" +
                        to_string(student.task) + "\" on " + to_string(student.data.source));
  }
  const Experiment& experiment() const { return experiment_; }

  // The tokenizer a language model's teacher reads with.
  std::shared_ptr<const Tokenizer> tokenizer(const Experiment& student) const {
    const std::filesystem::path teacher = student.compress.teacher;
    if (model_folder_) return HubTokenizer::load(teacher);
    return load_tokenizer(RunFolder{teacher}.tokenizer_file());
  }

  // `teacher` built for the student's data; its weights are the teacher run's last (a folder's come with it).
  void build(const StageContext& c, torch::nn::Sequential teacher) {
    if (!model_folder_) load_weights_file(resolve_checkpoint(c.experiment.compress.teacher, "last"), *teacher);
    teacher->to(c.device);
    distiller_ = std::make_unique<Distiller>(teacher, c.experiment.compress.alpha, c.experiment.compress.temperature);
  }
  const Distiller* distiller() const { return distiller_.get(); }

  void report(const StageContext& c, Json& report, torch::nn::Sequential student, const DataSplits& data,
              std::function<torch::nn::Sequential()> build_teacher) const {
    report["stage"] = "distill";
    report["teacher"] = c.experiment.compress.teacher;
    report["compression"] =
        compare_compressed_model(c, std::move(student), data, c.experiment.compress.teacher, std::move(build_teacher));
    c.log("distilled: the student " + describe_comparison(report["compression"]));
  }

 private:
  Experiment experiment_;
  bool model_folder_ = false;
  std::unique_ptr<Distiller> distiller_;
};

// A student model folder must number tokens as the teacher does: the same next-token classes.
void check_student_tokenizer(const Experiment& student, const Tokenizer& teacher) {
  if (!student.model.is_pretrained()) return;
  const auto own = HubTokenizer::load(student.model.folder);
  bool same = own->vocab_size() == teacher.vocab_size();
  for (std::int64_t id = 0; same && id < own->vocab_size(); ++id) same = own->token_text(id) == teacher.token_text(id);
  if (!same)
    throw ConfigError("model.folder: " + student.model.folder + "'s tokenizer (" + std::to_string(own->vocab_size()) +
                      " tokens) numbers tokens differently from compress.teacher " + student.compress.teacher + "'s (" +
                      std::to_string(teacher.vocab_size()) +
                      "); a student learns the teacher's next-token "
                      "classes, so both need the same tokenizer");
}

class ClassifierDistillationStage : public ClassificationStage {
 public:
  void load(StageContext& c) override {
    teacher_.load(c.experiment);
    ClassificationStage::load(c);
  }
  void build(StageContext& c) override {
    ClassificationStage::build(c);
    teacher_.build(c, build_for_data(teacher_.experiment().model));
  }
  void report_results(const StageContext& c, Json& report) override {
    teacher_.report(c, report, model_, data(), [this] { return build_for_data(teacher_.experiment().model); });
  }

 protected:
  void configure_trainer(const StageContext& c, TrainerSetup& setup) override {
    ClassificationStage::configure_trainer(c, setup);
    setup.distiller = teacher_.distiller();
  }

 private:
  DistillationTeacher teacher_;
};

// A student language model reads the teacher's data through the teacher's
// tokenizer: the same token ids, the same next-token classes.
class LanguageModelDistillationStage : public LanguageModelStage {
 public:
  void load(StageContext& c) override {
    teacher_.load(c.experiment);
    const Experiment& teacher = teacher_.experiment();
    if (teacher.data.context_length < c.experiment.data.context_length)
      throw ConfigError("data.context_length: " + std::to_string(c.experiment.data.context_length) +
                        " is longer than the teacher's " + std::to_string(teacher.data.context_length));
    auto tokenizer = c.saved_tokenizer;
    if (!tokenizer) tokenizer = teacher_.tokenizer(c.experiment);
    check_student_tokenizer(c.experiment, *tokenizer);
    load_text(c, tokenizer);
  }
  void build(StageContext& c) override {
    LanguageModelStage::build(c);
    teacher_.build(c, build_teacher());
  }
  void report_results(const StageContext& c, Json& report) override {
    teacher_.report(c, report, model_, data(), [this] { return build_teacher(); });
  }

 protected:
  void configure_trainer(const StageContext& c, TrainerSetup& setup) override {
    LanguageModelStage::configure_trainer(c, setup);
    setup.distiller = teacher_.distiller();
  }

 private:
  torch::nn::Sequential build_teacher() const {
    return build_model(teacher_.experiment().model, input_shape_, outputs_, {});
  }
  DistillationTeacher teacher_;
};

}  // namespace

std::unique_ptr<StageRunner> make_distillation_stage(const Experiment& experiment) {
  if (experiment.task == Task::LanguageModel) return std::make_unique<LanguageModelDistillationStage>();
  return std::make_unique<ClassifierDistillationStage>();
}

}  // namespace cradle
