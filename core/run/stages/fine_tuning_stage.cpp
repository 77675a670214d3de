// Stage "sft" of task "language_model": supervised fine-tuning of a pretrained
// language model on conversations (source "dialogues"), its loss on the
// assistant's replies only. After training, greedy replies to held-out
// conversations show whether the model answers and ends its turn.
#include <algorithm>

#include "core/data/dialogue_data.h"
#include "core/eval/text_generation.h"
#include "core/models/model_factory.h"
#include "core/run/run_weights.h"
#include "core/run/sample_snapshots.h"
#include "core/run/stages/base_run.h"
#include "core/run/stages/stage_registry.h"
#include "core/text/chat_template.h"

namespace cradle {
namespace {

class FineTuningStage : public StageRunner {
 public:
  bool keeps_tokenizer() const override { return true; }

  void load(StageContext& c) override {
    base_ = adopt_base_run(c);
    data_ = load_dialogue_data(c.experiment, base_.tokenizer);
    tokenizer_ = data_.tokenizer;
    input_shape_ = {c.experiment.data.context_length};
    outputs_ = data_.vocab_size();
  }

  void build(StageContext& c) override {
    model_ = build_model(c.experiment.model, input_shape_, outputs_, {});
    if (!c.resuming) load_weights_file(base_.weights, *model_);  // a resumed run's checkpoint has its own
  }

  void describe(const StageContext& c) const override {
    const auto& d = data_;
    c.log("fine-tuning " + c.experiment.init_from + " (" + base_.weights.filename().string() +
          "): " + std::to_string(d.train_dialogues.size()) + " training dialogues from " +
          std::to_string(d.files.size()) + " file(s), " + std::to_string(d.skipped.size()) + " bad lines skipped, " +
          std::to_string(d.truncated) + " cut to data.context_length, " + std::to_string(d.dropped) +
          " dropped with no response left; " + std::to_string(d.response_tokens) + " response tokens trained" +
          (c.experiment.data.packing ? ", packed into " + std::to_string(d.train.size()) + " sequences" : ""));
  }

  std::unique_ptr<SampleSnapshots> sample_snapshots(const StageContext& c) override {
    if (data_.validation_dialogues.empty()) return nullptr;
    std::vector<std::vector<std::int64_t>> prompts;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, data_.validation_dialogues.size()); ++i) {
      auto messages = data_.validation_dialogues[i].messages;
      messages.pop_back();  // the reply the model is to write
      prompts.push_back(render_chat_prompt(*tokenizer_, data_.markers, messages));
    }
    return SampleSnapshots::for_chat(model_, std::move(prompts), tokenizer_, c.experiment.data.context_length,
                                     c.experiment.seed, c.folder.samples_file());
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
    std::int64_t ended = 0, count = 0;
    Json examples = Json::array();
    for (const auto& dialogue : data_.test_dialogues) {
      if (count == 20) break;
      auto messages = dialogue.messages;
      const std::string reference = messages.back().content;
      messages.pop_back();
      options.max_new_tokens =
          std::max<std::int64_t>(8, 3 * static_cast<std::int64_t>(tokenizer_->encode(reference).size()));
      const auto prompt = render_chat_prompt(*tokenizer_, data_.markers, messages);
      const auto reply = generate_tokens(model_, prompt, c.experiment.data.context_length, options);
      const bool ends = !reply.empty() && reply.back() == data_.markers.end_of_turn;
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
  DialogueData data_;
};

}  // namespace

std::unique_ptr<StageRunner> make_fine_tuning_stage() { return std::make_unique<FineTuningStage>(); }

}  // namespace cradle
