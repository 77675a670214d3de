#include "core/models/text_classifier.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/models/fast_dropout.h"
#include "core/models/gpt.h"
#include "core/models/padding_mask.h"
#include "core/models/recurrent_language_model.h"
#include "core/models/sequence_pooling.h"
#include "core/text/tokenizer.h"

namespace cradle {
namespace nn = torch::nn;

torch::nn::Sequential build_text_classifier(const ModelSpec& spec, std::int64_t context_length, std::int64_t vocab_size,
                                            std::int64_t num_classes) {
  auto padding = std::make_shared<PaddingContext>();
  nn::Sequential net;
  net->push_back("trim_padding", TrimPadding(padding));
  if (spec.is_recurrent()) {
    net->push_back("embedding",
                   nn::Embedding(nn::EmbeddingOptions(vocab_size, spec.embedding_size).padding_idx(kPadId)));
    if (spec.dropout > 0) net->push_back("embedding_dropout", FastDropout(spec.dropout));
    net->push_back(spec.type,
                   std::make_shared<RecurrentStackImpl>(spec.type, spec.embedding_size, spec.hidden_size, spec.layers,
                                                        spec.dropout, spec.bidirectional, padding));
    net->push_back("pooling", SequencePooling(spec.pooling, spec.bidirectional, padding));
    if (spec.dropout > 0) net->push_back("pooled_dropout", FastDropout(spec.dropout));
    net->push_back("classifier", nn::Linear((spec.bidirectional ? 2 : 1) * spec.hidden_size, num_classes));
    return net;
  }
  if (spec.type != "encoder") throw ConfigError("model.type: \"" + spec.type + "\" is not a text classifier");
  const bool rotary = spec.position == "rotary";
  net->push_back("embedding", TokenEmbedding(vocab_size, spec.width, context_length, !rotary, spec.dropout));
  for (std::int64_t i = 0; i < spec.layers; ++i)
    net->push_back("block" + std::to_string(i + 1),
                   std::make_shared<TransformerBlockImpl>(spec.width, spec.heads, spec.dropout, rotary,
                                                          /*causal=*/false, padding));
  net->push_back("final_norm", nn::LayerNorm(nn::LayerNormOptions({spec.width})));
  net->push_back("pooling", SequencePooling(spec.pooling, false, padding));
  if (spec.dropout > 0) net->push_back("pooled_dropout", FastDropout(spec.dropout));
  net->push_back("classifier", nn::Linear(spec.width, num_classes));
  initialize_transformer(*net, spec.layers);
  return net;
}

}  // namespace cradle
