#pragma once
// Transfer learning for the stages that train from scratch (stage "pretrain"
// with init_from): the model starts from another run's or an unpacked
// bundle's weights, matched by name and shape, or from an ImageNet backbone
// folder (core/hub/image_backbone.h) of its model.type, whose classifier is
// dropped when the class count differs; the rest is trained from scratch. Text stages also take the source's tokenizer, so that its token ids
// mean what its weights learnt.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/run/stages/stage_runner.h"

namespace cradle {

class WeightTransfer {
 public:
  // The source's tokenizer for a new text run that has none yet (else `saved`).
  static std::shared_ptr<const Tokenizer> source_tokenizer(const StageContext& context);

  // Fills `model` from init_from (a new run only). ConfigError when nothing fits.
  void apply(const StageContext& context, torch::nn::Sequential& model);
  bool applied() const { return !weights_.empty(); }
  void describe(const StageContext& context) const;  // "transfer: N tensors from ...; trained from scratch: ..."
  void report(const StageContext& context, Json& report) const;

 private:
  void apply_image_backbone(const StageContext& context, torch::nn::Sequential& model);

  std::filesystem::path weights_;  // the file read
  std::int64_t transferred_ = 0;
  std::vector<std::string> not_transferred_;
};

}  // namespace cradle
