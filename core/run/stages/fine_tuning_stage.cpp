// Stage "sft" of task "language_model": supervised fine-tuning of a pretrained
// language model on conversations (source "dialogues"), its loss on the
// assistant's replies only. It starts from a Cradle run, or from a Hugging
// Face model folder, whose own chat template it then speaks and which it may
// tune with LoRA (core/run/pretrained_tuning.h). After training, greedy
// replies to held-out conversations show whether the model answers and ends its turn.
#include <algorithm>

#include "core/data/dialogue_data.h"
#include "core/eval/text_generation.h"
#include "core/models/model_factory.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/run_chat_format.h"
#include "core/run/run_weights.h"
#include "core/run/sample_snapshots.h"
#include "core/run/stages/base_run.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {
namespace {

class FineTuningStage : public StageRunner {
 public:
  bool keeps_tokenizer() const override { return true; }

  void load(StageContext& c) override {
    base_ = adopt_base_run(c);
    format_ = run_chat_format(c.experiment.model, base_.tokenizer);
    data_ = load_dialogue_data(c.experiment, base_.tokenizer, format_);
    tokenizer_ = data_.tokenizer;
    input_shape_ = {c.experiment.data.context_length};
    outputs_ = data_.vocab_size();
  }

  void build(StageContext& c) override {
    model_ = build_model(c.experiment.model, input_shape_, outputs_, {});  // a model folder's come with it
    if (!c.resuming && !base_.weights.empty()) load_weights_file(base_.weights, *model_);  // a checkpoint has its own
    tuning_ = prepare_pretrained_tuning(model_, c.experiment.model, c.experiment.train, c.device);
  }

  void describe(const StageContext& c) const override {
    const auto& d = data_;
    const std::string start = c.resuming                           ? "resumed, " + format_->name()
                              : c.experiment.model.is_pretrained() ? "the model folder's weights, " + format_->name()
                                                                   : base_.weights.filename().string();
    c.log("fine-tuning " + c.experiment.init_from + " (" + start + "): " + std::to_string(d.train_dialogues.size()) +
          " training dialogues from " + std::to_string(d.files.size()) + " file(s), " +
          std::to_string(d.skipped.size()) + " bad lines skipped, " + std::to_string(d.truncated) +
          " cut to data.context_length, " + std::to_string(d.dropped) + " dropped with no response left; " +
          std::to_string(d.response_tokens) + " response tokens trained" +
          (c.experiment.data.packing ? ", packed into " + std::to_string(d.train.size()) + " sequences" : ""));
    if (!tuning_.describe().empty()) c.log(tuning_.describe());
  }

  std::unique_ptr<SampleSnapshots> sample_snapshots(const StageContext& c) override {
    if (data_.validation_dialogues.empty()) return nullptr;
    std::vector<std::vector<std::int64_t>> prompts;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, data_.validation_dialogues.size()); ++i) {
      auto messages = data_.validation_dialogues[i].messages;
      messages.pop_back();  // the reply the model is to write
      prompts.push_back(format_->prompt(messages));
    }
    return SampleSnapshots::for_chat(model_, std::move(prompts), tokenizer_, format_->end_ids(),
                                     c.experiment.data.context_length, c.experiment.seed, c.folder.samples_file());
  }

  void report_setup(const StageContext& c, Json& report) const override {
    const auto& d = data_;
    report["stage"] = "sft";
    report["init_from"] = c.experiment.init_from;
    report["data"] = Json{{"files", d.files},
                          {"train_dialogues", d.train_dialogues.size()},
                          {"validation_dialogues", d.validation_dialogues.size()},
                          {"test_dialogues", d.test_dialogues.size()},
                          {"train_sequences", d.train.size()},
                          {"response_tokens", d.response_tokens},
                          {"truncated", d.truncated},
                          {"dropped", d.dropped},
                          {"skipped_lines", d.skipped.size()}};
    report["chat_format"] = format_->name();
    tuning_.report(report);
  }

  // A LoRA run keeps its adapters in peft's layout; model.pt gets them folded in.
  void finish_model(const StageContext& c) override {
    if (!tuning_.lora) return;
    c.log(save_and_merge_adapters(model_, adapter_base_model(c.experiment), c.folder.adapter_dir()));
  }

  void report_results(const StageContext& c, Json& report) override { report["replies"] = reply_check(c); }

  const std::vector<std::string>& skipped() const override { return data_.skipped; }

 protected:
  const DataSplits& data() const override { return data_; }

 private:
  // Does the fine-tuned model answer and end its turn? Greedy replies to up to
  // 20 test conversations (the last reply held back), each allowed 3 times its
  // reference reply's tokens (at least 8).
  Json reply_check(const StageContext& c) {
    SamplingOptions options;
    options.temperature = 0;
    options.end_ids = format_->end_ids();
    std::int64_t ended = 0, count = 0;
    Json examples = Json::array();
    for (const auto& dialogue : data_.test_dialogues) {
      if (count == 20) break;
      auto messages = dialogue.messages;
      const std::string reference = messages.back().content;
      messages.pop_back();
      options.max_new_tokens =
          std::max<std::int64_t>(8, 3 * static_cast<std::int64_t>(tokenizer_->encode(reference).size()));
      const auto prompt = format_->prompt(messages);
      const auto reply = generate_tokens(model_, prompt, c.experiment.data.context_length, options);
      const auto& end_ids = options.end_ids;
      const bool ends = !reply.empty() && std::find(end_ids.begin(), end_ids.end(), reply.back()) != end_ids.end();
      ended += ends ? 1 : 0;
      ++count;
      if (examples.size() < 5) {
        std::string text = continuation_text(*tokenizer_, prompt, reply);
        if (!text.empty() && text.front() == ' ') text.erase(0, 1);  // the word boundary after the marker
        examples.push_back(
            {{"prompt", messages.back().content}, {"reply", text}, {"reference", reference}, {"ended_turn", ends}});
      }
    }
    return Json{{"test_conversations", count},
                {"ended_turn", count > 0 ? static_cast<double>(ended) / static_cast<double>(count) : 0.0},
                {"examples", examples}};
  }

  BaseRun base_;
  std::shared_ptr<const ChatFormat> format_;
  DialogueData data_;
  PretrainedTuning tuning_;
};

}  // namespace

std::unique_ptr<StageRunner> make_fine_tuning_stage() { return std::make_unique<FineTuningStage>(); }

}  // namespace cradle
