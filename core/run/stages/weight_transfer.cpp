#include "core/run/stages/weight_transfer.h"

#include "core/common/error.h"
#include "core/compress/int8_weights.h"
#include "core/hub/image_backbone.h"
#include "core/run/run_weights.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

bool transfers_weights(const StageContext& c) {
  return c.experiment.stage == Stage::Pretrain && !c.experiment.init_from.empty() && !c.resuming;
}

// The weights a transfer starts from: a bundle folder's model/model.pt, or a run's last weights.
fs::path transfer_weights_file(const std::string& init_from) {
  const fs::path source = init_from;
  if (source.extension() == ".cradle")
    throw ConfigError("init_from: " + init_from + " is a packed bundle; unpack it (unzip) and name the folder");
  const fs::path weights =
      fs::exists(source / "bundle.json") ? source / "model" / "model.pt" : resolve_checkpoint(source, "last");
  if (!fs::exists(weights)) throw IoError("init_from: " + weights.string() + ": no such file");
  if (is_int8_weights_file(weights))
    throw ConfigError("init_from: " + init_from +
                      " holds int8 weights (a quantised run); start from the run it was made from");
  return weights;
}

}  // namespace

std::shared_ptr<const Tokenizer> WeightTransfer::source_tokenizer(const StageContext& c) {
  if (c.saved_tokenizer || !transfers_weights(c)) return c.saved_tokenizer;
  const RunFolder source{c.experiment.init_from};
  return fs::exists(source.tokenizer_file()) ? load_tokenizer(source.tokenizer_file()) : nullptr;
}

void WeightTransfer::apply(const StageContext& c, torch::nn::Sequential& model) {
  if (!transfers_weights(c)) return;
  const auto total = static_cast<std::int64_t>(model->named_parameters().size() + model->named_buffers().size());
  if (is_image_backbone_folder(c.experiment.init_from)) {
    apply_image_backbone(c, model);
    transferred_ = total - static_cast<std::int64_t>(not_transferred_.size());
    return;
  }
  weights_ = transfer_weights_file(c.experiment.init_from);
  not_transferred_ = load_matching_weights(weights_, *model);
  transferred_ = total - static_cast<std::int64_t>(not_transferred_.size());
  if (transferred_ == 0)
    throw ConfigError("init_from: no tensor of " + weights_.string() + " fits this model by name and shape (e.g. " +
                      not_transferred_.front() + "); is it the same kind of model?");
}

// Every tensor of the backbone but a classifier of another class count; anything else that does not fit is an error.
void WeightTransfer::apply_image_backbone(const StageContext& c, torch::nn::Sequential& model) {
  const ImageBackbone backbone = read_image_backbone(c.experiment.init_from);
  if (c.experiment.model.type != backbone.type)
    throw ConfigError("init_from: " + c.experiment.init_from + " holds a " + backbone.type +
                      " (read from its tensors); model.type is \"" + c.experiment.model.type + "\": set it to \"" +
                      backbone.type + "\"");
  weights_ = backbone.weights_file;
  not_transferred_ = load_image_backbone_into(backbone, *model);
}

void WeightTransfer::describe(const StageContext& c) const {
  if (!applied()) return;
  std::string fresh;
  for (const auto& why : not_transferred_) fresh += (fresh.empty() ? "" : "; ") + why;
  c.log("transfer: " + std::to_string(transferred_) + " tensors from " + weights_.string() +
        "; trained from scratch: " + (fresh.empty() ? "nothing" : fresh));
}

void WeightTransfer::report(const StageContext& c, Json& report) const {
  if (!applied()) return;
  report["transfer"] = Json{{"init_from", c.experiment.init_from},
                            {"weights", weights_.string()},
                            {"tensors_loaded", transferred_},
                            {"not_loaded", not_transferred_}};
}

}  // namespace cradle
