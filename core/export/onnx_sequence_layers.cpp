#include "core/export/onnx_sequence_layers.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "core/models/gpt.h"
#include "core/models/recurrent_language_model.h"

namespace cradle {
namespace {

std::string sequence_slice(OnnxGraphBuilder& g, const std::string& table, const std::string& hint,
                           const OnnxSequence& s, std::int64_t axes) {
  // The first `length` rows (and columns, for a square table) of a constant table.
  std::vector<std::int64_t> zeros(static_cast<std::size_t>(axes), 0), axis_list;
  for (std::int64_t a = 0; a < axes; ++a) axis_list.push_back(a);
  std::string ends = s.length;
  if (axes == 2) {
    ends = g.node("Concat", {s.length, s.length}, hint);
    g.integer("axis", 0);
  }
  return g.node("Slice", {table, g.integers(hint + ".starts", zeros), ends, g.integers(hint + ".axes", axis_list)},
                hint);
}

std::string embedding(OnnxGraphBuilder& g, const std::string& ids, const std::string& name,
                      torch::nn::EmbeddingImpl& tokens, torch::nn::EmbeddingImpl* positions, const OnnxSequence& s) {
  auto x = g.node("Gather", {g.weight(name + ".tokens.weight", tokens.weight), ids}, name);
  if (positions)
    x = g.node("Add", {x, sequence_slice(g, g.weight(name + ".positions.weight", positions->weight), name, s, 1)},
               name);
  return x;
}

// RoPE on x [B, H, T, D] with cos/sin tables [T, D/2] (the GPT-NeoX halves, as core/models/gpt.cpp).
std::string rotate(OnnxGraphBuilder& g, const std::string& x, const std::string& hint, const std::string& cos,
                   const std::string& sin, std::int64_t head_width) {
  const std::int64_t half = head_width / 2;
  const auto axis = g.integers(hint + ".axis", {3});
  const auto first = g.node("Slice", {x, g.integers(hint + ".s", {0}), g.integers(hint + ".e", {half}), axis}, hint);
  const auto second =
      g.node("Slice", {x, g.integers(hint + ".s", {half}), g.integers(hint + ".e", {head_width}), axis}, hint);
  const auto a = g.node("Sub", {g.node("Mul", {first, cos}, hint), g.node("Mul", {second, sin}, hint)}, hint);
  const auto b = g.node("Add", {g.node("Mul", {first, sin}, hint), g.node("Mul", {second, cos}, hint)}, hint);
  const auto out = g.node("Concat", {a, b}, hint);
  g.integer("axis", 3);
  return out;
}

std::string attention(OnnxGraphBuilder& g, const std::string& x, const std::string& name, SelfAttentionImpl& a,
                      const OnnxSequence& s) {
  if (!a.causal() || a.masks_padding())
    throw ConfigError("ONNX export: layer \"" + name + "\" (encoder attention over padded texts): not expressed yet");
  const std::int64_t width = a.qkv->weight.size(1), heads = a.heads(), head_width = width / heads;
  const auto qkv = g.linear(x, name + ".qkv", a.qkv->weight, a.qkv->bias, false);
  const auto parts = g.node_with_outputs("Split", {qkv}, name, 3);
  g.integer("axis", 2);
  const auto heads_shape = g.integers(name + ".heads_shape", {0, 0, heads, head_width});  // 0: keep that axis
  const auto split = [&](const std::string& t, std::vector<std::int64_t> perm) {
    const auto out = g.node("Transpose", {g.node("Reshape", {t, heads_shape}, name)}, name);
    g.ints("perm", perm);
    return out;
  };
  auto q = split(parts[0], {0, 2, 1, 3}), k = split(parts[1], {0, 2, 1, 3});
  const auto v = split(parts[2], {0, 2, 1, 3});
  if (a.rotary()) {
    const auto angles = rotary_angles(0, s.context, head_width, torch::kCPU);
    const auto cos = sequence_slice(g, g.weight(name + ".rotary_cos", angles.cos()), name, s, 1);
    const auto sin = sequence_slice(g, g.weight(name + ".rotary_sin", angles.sin()), name, s, 1);
    q = rotate(g, q, name + ".rotary", cos, sin, head_width);
    k = rotate(g, k, name + ".rotary", cos, sin, head_width);
  }
  const auto keys_t = g.node("Transpose", {k}, name);
  g.ints("perm", {0, 1, 3, 2});
  auto scores = g.node("MatMul", {q, keys_t}, name);
  scores = g.node(
      "Mul", {scores, g.scalar(name + ".scale", static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_width))))},
      name);
  // The causal mask: -inf above the diagonal, cut to the sequence's length.
  const auto future = torch::full({s.context, s.context}, -std::numeric_limits<float>::infinity()).triu(1);
  scores = g.node("Add", {scores, sequence_slice(g, g.weight(name + ".causal_mask", future), name, s, 2)}, name);
  const auto weights = g.node("Softmax", {scores}, name);
  g.integer("axis", 3);
  auto mixed = g.node("Transpose", {g.node("MatMul", {weights, v}, name)}, name);
  g.ints("perm", {0, 2, 1, 3});
  mixed = g.node("Reshape", {mixed, g.integers(name + ".width_shape", {0, 0, width})}, name);
  return g.linear(mixed, name + ".projection", a.projection->weight, a.projection->bias, false);
}

std::string transformer_block(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                              TransformerBlockImpl& b, const OnnxSequence& s) {
  const auto norm = [&](torch::nn::LayerNormImpl& n, const std::string& in, const std::string& hint) {
    return g.layer_norm(in, hint, n.weight, n.bias, n.options.eps());
  };
  const auto h =
      g.node("Add", {x, attention(g, norm(*b.norm1, x, name + ".norm1"), name + ".attention", *b.attention, s)}, name);
  auto m = g.linear(norm(*b.norm2, h, name + ".norm2"), name + ".expand", b.expand->weight, b.expand->bias, false);
  m = g.linear(g.gelu(m, name + ".gelu"), name + ".contract", b.contract->weight, b.contract->bias, false);
  return g.node("Add", {h, m}, name);
}

// torch's gate blocks (rows of weight_ih/weight_hh/biases) in ONNX's order.
torch::Tensor gates_in_onnx_order(const torch::Tensor& t, const std::string& cell) {
  if (cell == "rnn") return t;
  const auto blocks = t.chunk(cell == "lstm" ? 4 : 3, 0);
  if (cell == "lstm") return torch::cat({blocks[0], blocks[3], blocks[1], blocks[2]});  // i f g o -> i o f c
  return torch::cat({blocks[1], blocks[0], blocks[2]});                                 // r z n -> z r h
}

std::string recurrent_stack(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                            RecurrentStackImpl& stack) {
  std::shared_ptr<torch::nn::Module> inner;
  std::string cell;
  for (const auto& child : stack.named_children()) inner = child.value(), cell = child.key();
  const auto parameters = inner->named_parameters();
  for (const auto& p : parameters)
    if (p.key().find("reverse") != std::string::npos)
      throw ConfigError("ONNX export: layer \"" + name + "\" (bidirectional " + cell +
                        " over padded texts): not expressed yet");
  if (const auto rnn = std::dynamic_pointer_cast<torch::nn::RNNImpl>(inner);
      rnn && !c10::get_if<torch::enumtype::kTanh>(&rnn->options.nonlinearity()))
    throw ConfigError("ONNX export: layer \"" + name + "\" (ReLU RNN): not expressed yet");
  // ONNX's recurrent operators read [T, B, C] (opset 13 has no batch-first layout).
  auto y = g.node("Transpose", {x}, name);
  g.ints("perm", {1, 0, 2});
  const std::string op = cell == "lstm" ? "LSTM" : cell == "gru" ? "GRU" : "RNN";
  for (int layer = 0; parameters.contains("weight_ih_l" + std::to_string(layer)); ++layer) {
    const std::string l = "l" + std::to_string(layer);
    const auto w = gates_in_onnx_order(parameters["weight_ih_" + l], cell).unsqueeze(0);
    const auto r = gates_in_onnx_order(parameters["weight_hh_" + l], cell).unsqueeze(0);
    const auto b = torch::cat({gates_in_onnx_order(parameters["bias_ih_" + l], cell),
                               gates_in_onnx_order(parameters["bias_hh_" + l], cell)})
                       .unsqueeze(0);
    const std::string hint = name + "." + l;
    y = g.node(op, {y, g.weight(hint + ".W", w), g.weight(hint + ".R", r), g.weight(hint + ".B", b)}, hint);
    g.integer("hidden_size", r.size(2));
    if (cell == "gru") g.integer("linear_before_reset", 1);  // torch applies the reset gate after the hidden product
    y = g.node("Squeeze", {y, g.integers(hint + ".direction_axis", {1})}, hint);  // Y: [T, directions = 1, B, H]
  }
  y = g.node("Transpose", {y}, name);
  g.ints("perm", {1, 0, 2});
  return y;
}

}  // namespace

std::string sequence_layer_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                                   const std::shared_ptr<torch::nn::Module>& layer, const OnnxSequence& s) {
  if (const auto e = std::dynamic_pointer_cast<TokenEmbeddingImpl>(layer))
    return embedding(g, x, name, *e->tokens, e->positions ? e->positions.get() : nullptr, s);
  if (const auto e = std::dynamic_pointer_cast<torch::nn::EmbeddingImpl>(layer))
    return embedding(g, x, name, *e, nullptr, s);
  if (const auto b = std::dynamic_pointer_cast<TransformerBlockImpl>(layer))
    return transformer_block(g, x, name, *b, s);
  if (const auto n = std::dynamic_pointer_cast<torch::nn::LayerNormImpl>(layer)) {
    if (n->options.normalized_shape().size() != 1)
      throw ConfigError("ONNX export: layer \"" + name + "\" (LayerNorm over several axes): not expressed yet");
    return g.layer_norm(x, name, n->weight, n->bias, n->options.eps());
  }
  if (const auto r = std::dynamic_pointer_cast<RecurrentStackImpl>(layer)) return recurrent_stack(g, x, name, *r);
  return {};
}

}  // namespace cradle
