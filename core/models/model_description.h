#pragma once
// What a model is, in a few words: its family and the sizes that set it
// ("CNN, conv channels 32, 64, dense 128"). describe_model decides what is
// worth saying about each family; `cradle-cli inspect` prints it in English
// (to_text) and the studio's Experiment tab lays the same parts out in the
// user's language, so the two never disagree about a model.
#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/model_spec.h"

namespace cradle {

enum class ModelFamily {
  Mlp,
  Cnn,
  LeNet5,
  ResNet,
  ImageNetResNet,  // resnet18 ... resnet152, torchvision's layout
  MobileNetV2,
  Lstm,
  Gru,
  Rnn,
  Gpt,
  TransformerEncoder,
  Pretrained
};

// A size and how it reads: a list after its name ("conv channels 32, 64") or
// a count before it ("2 layers").
enum class ModelSize {
  ConvChannels,       // cnn: channels of each convolution block
  Dense,              // cnn: the fully connected layers after the blocks
  Hidden,             // mlp: the hidden layers
  StageWidths,        // resnet: channels of each stage
  StageBlocks,        // resnet: basic blocks per stage
  Depth,              // resnet18 ... resnet152: the layers with weights (18, ..., 152)
  RecurrentLayers,    // lstm, gru, rnn: stacked layers (a count)
  HiddenSize,         // lstm, gru, rnn: the state's width
  TransformerBlocks,  // gpt, encoder: blocks (a count)
  Width,              // gpt, encoder: the residual stream's width
  Heads,              // gpt, encoder: attention heads (a count)
};

struct ModelDescription {
  struct Size {
    ModelSize kind;
    std::vector<std::int64_t> values;
  };
  ModelFamily family = ModelFamily::Mlp;
  std::vector<Size> sizes;     // in the order they are said
  bool bidirectional = false;  // recurrent: a second stack reads backwards
  std::string folder;          // pretrained: the Hugging Face model folder it was read from
};

// ConfigError for a model type Cradle does not build.
ModelDescription describe_model(const ModelSpec& model);

std::string to_string(ModelFamily family);  // "CNN", "LeNet-5", "Transformer encoder"
// "CNN, conv channels 32, 64, dense 128"; "LSTM, 2 layers, hidden size 256, bidirectional";
// "Hugging Face model, SmolLM2-135M-Instruct" (the folder's name).
std::string to_text(const ModelDescription& description);
// A model folder's own name ("SmolLM2-135M-Instruct" for ".../SmolLM2-135M-Instruct/").
std::string model_folder_name(const std::string& folder);

}  // namespace cradle
