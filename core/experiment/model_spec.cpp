#include "core/experiment/model_spec.h"

#include <algorithm>
#include <utility>

namespace cradle {
namespace {

// The model types that read each field (dropout: all of them).
const std::vector<std::pair<const char*, std::vector<std::string>>>& field_owners() {
  static const std::vector<std::pair<const char*, std::vector<std::string>>> owners = {
      {"conv_channels", {"cnn"}},
      {"kernel_size", {"cnn"}},
      {"padding", {"cnn"}},
      {"conv_dropout", {"cnn"}},
      {"stride", {"cnn"}},
      {"pool", {"cnn"}},
      {"widths", {"resnet"}},
      {"blocks", {"resnet"}},
      {"hidden", {"mlp", "cnn"}},
      {"activation", {"mlp", "cnn", "lenet5"}},
      {"batch_norm", {"mlp", "cnn"}},
      {"layer_norm", {"mlp"}},
      {"embedding_size", {"lstm", "gru", "rnn"}},
      {"hidden_size", {"lstm", "gru", "rnn"}},
      {"layers", {"lstm", "gru", "rnn", "gpt", "encoder"}},
      {"width", {"gpt", "encoder"}},
      {"heads", {"gpt", "encoder"}},
      {"position", {"gpt", "encoder"}},
      {"tie_weights", {"gpt"}},
      {"bidirectional", {"lstm", "gru", "rnn"}},
      {"pooling", {"lstm", "gru", "rnn", "encoder"}},
      {"folder", {"pretrained"}}};
  return owners;
}

bool is_classifier_field(const std::string& field) { return field == "bidirectional" || field == "pooling"; }

bool reads(const std::string& type, const std::string& field, Task task) {
  if (is_classifier_field(field) && task != Task::Classification) return false;
  for (const auto& [name, types] : field_owners())
    if (field == name) return std::find(types.begin(), types.end(), type) != types.end();
  return true;
}

}  // namespace

ModelSpec parse_model_spec(JsonObjectReader r, Task task) {
  ModelSpec m;
  m.type = r.choice("type", m.type,
                    {"mlp", "cnn", "lenet5", "resnet", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
                     "mobilenet_v2", "lstm", "gru", "rnn", "gpt", "encoder", "pretrained"});
  for (const auto& [key, types] : field_owners()) {
    if (!r.has(key) || reads(m.type, key, task)) continue;
    if (is_classifier_field(key) && std::find(types.begin(), types.end(), m.type) != types.end())
      r.fail(key, "only used by task \"classification\" (a text classifier); a " + to_string(task) +
                      " model reads its input left to right and predicts at every position");
    r.fail_not_used_by(key, "model type", types, m.type);
  }
  const auto reads = [&](const std::string& type, const char* field) { return cradle::reads(type, field, task); };
  const auto t = m.type;
  if (reads(t, "conv_channels")) {
    m.conv_channels = r.integers("conv_channels", m.conv_channels, Range::between(1, 4096));
    if (m.conv_channels.empty()) r.fail("conv_channels", "a CNN needs at least one convolution block");
    m.kernel_size = r.integer("kernel_size", m.kernel_size, Range::between(1, 15));
    m.padding = r.choice("padding", m.padding, {"same", "valid"});
    if (m.padding == "same" && m.kernel_size % 2 == 0)
      r.fail("kernel_size", "must be odd with padding \"same\" (kernel_size / 2 each side keeps the size), got " +
                                std::to_string(m.kernel_size));
    m.stride = r.integer("stride", m.stride, Range::between(1, 8));
    m.conv_dropout = r.number("conv_dropout", m.conv_dropout, {0.0, 1.0, false, true});
    m.pool = r.choice("pool", m.pool, {"max", "avg", "none"});
  }
  if (reads(t, "widths")) {
    m.widths = r.integers("widths", m.widths, Range::between(1, 4096));
    m.blocks = r.integers("blocks", m.blocks, Range::between(1, 64));
    if (m.widths.empty()) r.fail("widths", "a ResNet needs at least one stage");
    if (m.blocks.size() != m.widths.size())
      r.fail("blocks", "needs one count per stage: " + std::to_string(m.widths.size()) + " widths, " +
                           std::to_string(m.blocks.size()) + " block counts");
  }
  if (reads(t, "hidden")) m.hidden = r.integers("hidden", m.hidden, Range::between(1, 1 << 20));
  if (reads(t, "activation")) m.activation = r.choice("activation", m.activation, {"relu", "gelu", "tanh", "sigmoid"});
  if (reads(t, "batch_norm")) m.batch_norm = r.boolean("batch_norm", m.batch_norm);
  if (reads(t, "layer_norm")) {
    m.layer_norm = r.boolean("layer_norm", m.layer_norm);
    if (m.layer_norm && m.batch_norm) r.fail("layer_norm", "choose one normalisation: set model.batch_norm to false");
  }
  if (reads(t, "embedding_size")) {
    m.embedding_size = r.integer("embedding_size", m.embedding_size, Range::between(1, 1 << 16));
    m.hidden_size = r.integer("hidden_size", m.hidden_size, Range::between(1, 1 << 16));
  }
  if (reads(t, "layers"))
    m.layers = r.integer("layers", t == "gpt" || t == "encoder" ? 4 : m.layers, Range::between(1, 64));
  if (reads(t, "width")) {
    m.width = r.integer("width", m.width, Range::between(8, 1 << 14));
    m.heads = r.integer("heads", m.heads, Range::between(1, 256));
    if (m.width % m.heads != 0)
      r.fail("heads",
             "model.width " + std::to_string(m.width) + " must divide into " + std::to_string(m.heads) + " heads");
    m.position = r.choice("position", m.position, {"learned", "rotary"});
    if (m.position == "rotary" && (m.width / m.heads) % 2 != 0)
      r.fail("position", "rotary embeddings need an even head width; " + std::to_string(m.width) + " / " +
                             std::to_string(m.heads) + " heads is odd");
  }
  if (reads(t, "tie_weights")) m.tie_weights = r.boolean("tie_weights", m.tie_weights);
  if (reads(t, "bidirectional")) m.bidirectional = r.boolean("bidirectional", m.bidirectional);
  if (reads(t, "pooling"))
    m.pooling = r.choice("pooling", t == "encoder" ? "mean" : m.pooling, {"last", "mean", "max"});
  if (reads(t, "folder")) {
    m.folder = r.required_string("folder");
    if (r.has("dropout")) r.fail("dropout", "a pretrained model keeps its own (its config.json's)");
    r.finish();
    return m;
  }
  m.dropout = r.number("dropout", m.dropout, {0.0, 1.0, false, true});
  r.finish();
  return m;
}

Json model_spec_to_json(const ModelSpec& m, Task task) {
  Json model = Json::object();
  model["type"] = m.type;
  if (m.is_pretrained()) {
    model["folder"] = m.folder;
    return model;
  }
  const auto& t = m.type;
  const auto reads = [&](const std::string& type, const char* field) { return cradle::reads(type, field, task); };
  if (reads(t, "conv_channels")) {
    model["conv_channels"] = m.conv_channels;
    model["kernel_size"] = m.kernel_size;
    model["padding"] = m.padding;
    model["stride"] = m.stride;
    model["pool"] = m.pool;
    model["conv_dropout"] = m.conv_dropout;
  }
  if (reads(t, "widths")) {
    model["widths"] = m.widths;
    model["blocks"] = m.blocks;
  }
  if (reads(t, "embedding_size")) {
    model["embedding_size"] = m.embedding_size;
    model["hidden_size"] = m.hidden_size;
  }
  if (reads(t, "width")) {
    model["width"] = m.width;
    model["heads"] = m.heads;
  }
  if (reads(t, "layers")) model["layers"] = m.layers;
  if (reads(t, "position")) model["position"] = m.position;
  if (reads(t, "tie_weights")) model["tie_weights"] = m.tie_weights;
  if (reads(t, "bidirectional")) model["bidirectional"] = m.bidirectional;
  if (reads(t, "pooling")) model["pooling"] = m.pooling;
  if (reads(t, "hidden")) model["hidden"] = m.hidden;
  if (reads(t, "activation")) model["activation"] = m.activation;
  if (reads(t, "batch_norm")) model["batch_norm"] = m.batch_norm;
  if (reads(t, "layer_norm")) model["layer_norm"] = m.layer_norm;
  model["dropout"] = m.dropout;
  return model;
}

}  // namespace cradle
