// libonnx's protobuf classes; compiled with ONNX_NAMESPACE=onnx and ONNX_ML=1
// (core/CMakeLists.txt), as Debian's libonnx was built.
#include "core/export/onnx_export.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <map>

#include "core/common/error.h"
#include "core/export/onnx_graph_builder.h"
#include "core/export/onnx_sequence_layers.h"
#include "core/models/fast_dropout.h"
#include "core/models/gpt.h"
#include "core/models/imagenet_resnet.h"
#include "core/models/layers.h"
#include "core/models/mobilenet_v2.h"
#include "core/models/numbered_layers.h"
#include "core/models/resnet.h"

namespace cradle {
namespace {

// A value's declaration: fixed sizes, or named dynamic axes for the negative entries.
void value_info(onnx::ValueInfoProto* info, const std::string& name, int element_type,
                const std::vector<std::string>& dynamic, const std::vector<std::int64_t>& fixed) {
  info->set_name(name);
  auto* type = info->mutable_type()->mutable_tensor_type();
  type->set_elem_type(element_type);
  auto* shape = type->mutable_shape();
  for (const auto& axis : dynamic) shape->add_dim()->set_dim_param(axis);
  for (const auto d : fixed) shape->add_dim()->set_dim_value(d);
}

std::vector<std::int64_t> pair_of(const torch::ExpandingArray<2>& values) { return {values->at(0), values->at(1)}; }

std::string layer_kind(const torch::nn::Module& layer) {
  std::string kind = layer.name();
  if (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "Impl") == 0) kind.resize(kind.size() - 4);
  return kind;
}

std::string vision_layer_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                                 const std::shared_ptr<torch::nn::Module>& layer, std::int64_t& rank);

std::string conv_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                         const torch::nn::Conv2dImpl& conv) {
  const auto& o = conv.options;
  const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (!padding || !c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()))
    throw ConfigError("ONNX export: layer \"" + name +
                      "\" (Conv2d) uses \"same\"/\"valid\" or non-zero padding mode; not expressed yet");
  std::vector<std::string> inputs = {x, g.weight(name + ".weight", conv.weight)};
  if (conv.bias.defined()) inputs.push_back(g.weight(name + ".bias", conv.bias));
  const auto out = g.node("Conv", inputs, name);
  const auto pads = pair_of(*padding);
  g.ints("kernel_shape", pair_of(o.kernel_size()));
  g.ints("strides", pair_of(o.stride()));
  g.ints("dilations", pair_of(o.dilation()));
  g.ints("pads", {pads[0], pads[1], pads[0], pads[1]});
  g.integer("group", o.groups());
  return out;
}

std::string batch_norm_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                               const torch::nn::Module& layer, double eps) {
  const auto parameters = layer.named_parameters(false);
  const auto buffers = layer.named_buffers(false);
  if (!parameters.contains("weight") || !buffers.contains("running_mean"))
    throw ConfigError("ONNX export: layer \"" + name + "\" (BatchNorm) has no affine weights or running statistics");
  const auto out =
      g.node("BatchNormalization",
             {x, g.weight(name + ".weight", parameters["weight"]), g.weight(name + ".bias", parameters["bias"]),
              g.weight(name + ".running_mean", buffers["running_mean"]),
              g.weight(name + ".running_var", buffers["running_var"])},
             name);
  g.real("epsilon", eps);
  return out;
}

// Max, average and global average pooling; an empty string for any other layer.
std::string pooling_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                            const std::shared_ptr<torch::nn::Module>& layer) {
  if (const auto pool = std::dynamic_pointer_cast<torch::nn::MaxPool2dImpl>(layer)) {
    const auto out = g.node("MaxPool", {x}, name);
    g.ints("kernel_shape", pair_of(pool->options.kernel_size()));
    g.ints("strides", pair_of(pool->options.stride()));
    const auto pads = pair_of(pool->options.padding());
    g.ints("pads", {pads[0], pads[1], pads[0], pads[1]});
    if (pool->options.ceil_mode()) g.integer("ceil_mode", 1);
    return out;
  }
  if (const auto average = std::dynamic_pointer_cast<torch::nn::AvgPool2dImpl>(layer)) {
    const auto pads = pair_of(average->options.padding());
    if (!average->options.count_include_pad() && (pads[0] || pads[1]))
      throw ConfigError("ONNX export: layer \"" + name + "\" (AvgPool2d without padding counted): not expressed yet");
    const auto out = g.node("AveragePool", {x}, name);
    g.ints("kernel_shape", pair_of(average->options.kernel_size()));
    g.ints("strides", pair_of(average->options.stride()));
    g.ints("pads", {pads[0], pads[1], pads[0], pads[1]});
    return out;
  }
  if (const auto pool = std::dynamic_pointer_cast<torch::nn::AdaptiveAvgPool2dImpl>(layer)) {
    const auto& size = pool->options.output_size();
    if (!(*size)[0] || !(*size)[1] || *(*size)[0] != 1 || *(*size)[1] != 1)
      throw ConfigError("ONNX export: layer \"" + name + "\" (AdaptiveAvgPool2d to other than 1x1): not expressed yet");
    return g.node("GlobalAveragePool", {x}, name);
  }
  return {};
}

// relu(norm2(conv2(relu(norm1(conv1(x))))) + shortcut(x)), the shortcut a projection or the identity.
std::string basic_block_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                                BasicBlockImpl& block, std::int64_t& rank) {
  std::map<std::string, std::shared_ptr<torch::nn::Module>> parts;
  for (const auto& part : block.named_children()) parts[part.key()] = part.value();
  std::string out = x;
  for (const char* part : {"conv1", "norm1"})
    out = vision_layer_to_onnx(g, out, name + "." + part, parts.at(part), rank);
  out = g.node("Relu", {out}, name);
  for (const char* part : {"conv2", "norm2"})
    out = vision_layer_to_onnx(g, out, name + "." + part, parts.at(part), rank);
  std::string skip = x;
  for (const auto& part : parts.at("shortcut")->named_children())
    skip = vision_layer_to_onnx(g, skip, name + ".shortcut." + part.key(), part.value(), rank);
  return g.node("Relu", {g.node("Add", {out, skip}, name)}, name);
}

// torchvision's nesting (core/models/numbered_layers.h): the layers in order, named as PyTorch names them.
std::string numbered_layers_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                                    NumberedLayersImpl& stack, std::int64_t& rank) {
  std::string out = x;
  for (std::size_t i = 0; i < stack.layers().size(); ++i) {
    const auto layer = stack.layers()[i].ptr();
    if (layer->as<FastDropoutImpl>()) continue;  // the identity in evaluation
    const std::string part = name + "." + std::to_string(i);
    out = vision_layer_to_onnx(g, out, part, layer, rank);
    if (out.empty())
      throw ConfigError("ONNX export: layer \"" + part + "\" (" + layer_kind(*layer) +
                        ") cannot be expressed in ONNX by this exporter yet; nothing was written");
  }
  return out;
}

// An ImageNet ResNet's basic or bottleneck block: conv, norm (and relu) per stage, the projection or the identity
// added, relu.
std::string imagenet_block_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                                   torch::nn::Module& block, std::int64_t& rank) {
  std::map<std::string, std::shared_ptr<torch::nn::Module>> parts;
  for (const auto& part : block.named_children()) parts[part.key()] = part.value();
  const int stages = parts.count("conv3") ? 3 : 2;
  std::string out = x;
  for (int stage = 1; stage <= stages; ++stage) {
    const std::string s = std::to_string(stage);
    out = vision_layer_to_onnx(g, out, name + ".conv" + s, parts.at("conv" + s), rank);
    out = vision_layer_to_onnx(g, out, name + ".bn" + s, parts.at("bn" + s), rank);
    if (stage < stages) out = g.node("Relu", {out}, name);
  }
  const auto projection = parts.find("downsample");
  const std::string skip =
      projection == parts.end() ? x : vision_layer_to_onnx(g, x, name + ".downsample", projection->second, rank);
  return g.node("Relu", {g.node("Add", {out, skip}, name)}, name);
}

// The layers of image and table models; an empty string for any other layer.
std::string vision_layer_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                                 const std::shared_ptr<torch::nn::Module>& layer, std::int64_t& rank) {
  if (const auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(layer))
    return g.linear(x, name, linear->weight, linear->bias, rank == 2);
  if (const auto conv = layer->as<torch::nn::Conv2dImpl>()) return conv_to_onnx(g, x, name, *conv);
  if (const auto norm = layer->as<torch::nn::BatchNorm1dImpl>())
    return batch_norm_to_onnx(g, x, name, *layer, norm->options.eps());
  if (const auto norm = layer->as<torch::nn::BatchNorm2dImpl>())
    return batch_norm_to_onnx(g, x, name, *layer, norm->options.eps());
  if (layer->as<torch::nn::ReLUImpl>()) return g.node("Relu", {x}, name);
  if (layer->as<torch::nn::TanhImpl>()) return g.node("Tanh", {x}, name);
  if (layer->as<torch::nn::SigmoidImpl>()) return g.node("Sigmoid", {x}, name);
  if (const auto gelu = layer->as<torch::nn::GELUImpl>()) {
    if (gelu->options.approximate() != "none")
      throw ConfigError("ONNX export: layer \"" + name + "\" (tanh-approximated GELU): not expressed yet");
    return g.gelu(x, name);
  }
  if (auto pooled = pooling_to_onnx(g, x, name, layer); !pooled.empty()) return pooled;
  if (const auto block = layer->as<BasicBlockImpl>()) return basic_block_to_onnx(g, x, name, *block, rank);
  if (const auto stack = layer->as<NumberedLayersImpl>()) return numbered_layers_to_onnx(g, x, name, *stack, rank);
  if (layer->as<ResNetBasicBlockImpl>() || layer->as<ResNetBottleneckImpl>())
    return imagenet_block_to_onnx(g, x, name, *layer, rank);
  if (const auto block = layer->as<InvertedResidualImpl>()) {
    const auto out = vision_layer_to_onnx(g, x, name + ".conv", block->named_children()["conv"], rank);
    return block->adds_input() ? g.node("Add", {out, x}, name) : out;
  }
  if (layer->as<torch::nn::ReLU6Impl>())  // Clip's bounds are inputs since opset 11
    return g.node(
        "Clip", {x, g.weight(name + ".min", torch::tensor(0.0f)), g.weight(name + ".max", torch::tensor(6.0f))}, name);
  if (const auto flatten = layer->as<torch::nn::FlattenImpl>()) {
    if (flatten->options.start_dim() != 1 || flatten->options.end_dim() != -1)
      throw ConfigError("ONNX export: layer \"" + name + "\" (Flatten of other dimensions): not expressed yet");
    const auto out = g.node("Flatten", {x}, name);
    g.integer("axis", 1);
    rank = 2;
    return out;
  }
  return {};
}

// One layer of the model's top level, with the exporter that knows it; throws for a layer none knows.
std::string model_layer_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                                const std::shared_ptr<torch::nn::Module>& layer, bool token_input,
                                const OnnxSequence& sequence, std::int64_t& rank) {
  std::string y;
  if (const auto tied = layer->as<TiedLogitsImpl>()) {
    // The embedding's own matrix, stored once; ONNX Runtime folds the transpose.
    const auto transposed = g.node("Transpose", {g.weight(name + ".tied_weight", tied->embedding_weight())}, name);
    g.ints("perm", {1, 0});
    y = g.node("MatMul", {x, transposed}, name);
  } else if (token_input) {
    y = sequence_layer_to_onnx(g, x, name, layer, sequence);
    rank = 3;  // [batch, sequence, channels] after the embedding
    if (y.empty() && layer->as<torch::nn::LinearImpl>()) y = vision_layer_to_onnx(g, x, name, layer, rank);
  } else {
    y = vision_layer_to_onnx(g, x, name, layer, rank);
    if (y.empty() && layer->as<torch::nn::LayerNormImpl>()) y = sequence_layer_to_onnx(g, x, name, layer, sequence);
  }
  if (y.empty())
    throw ConfigError("ONNX export: layer \"" + name + "\" (" + layer_kind(*layer) +
                      ") cannot be expressed in ONNX by this exporter yet; "
                      "nothing was written");
  return y;
}

// The graph's output declaration and the one-line signature; the output's shape comes from a probe through the model.
void declare_output(onnx::GraphProto& graph, torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape,
                    std::int64_t context, OnnxGraph& out) {
  const auto probe = out.token_input ? torch::zeros({1, 1}, torch::kInt64) : torch::zeros(input_shape).unsqueeze(0);
  const auto result = model->forward(probe);
  if (out.token_input) {
    value_info(graph.add_output(), out.output_name, onnx::TensorProto::FLOAT, {"batch", "sequence"}, {result.size(-1)});
    out.signature = "input_ids: int64 [batch, sequence <= " + std::to_string(context) +
                    "] -> logits: float32 [batch, sequence, " + std::to_string(result.size(-1)) + "]";
    return;
  }
  const std::vector<std::int64_t> output_shape(result.sizes().begin() + 1, result.sizes().end());
  value_info(graph.add_output(), out.output_name, onnx::TensorProto::FLOAT, {"batch"}, output_shape);
  const auto dims = [](const std::vector<std::int64_t>& shape) {
    std::string s;
    for (const auto d : shape) s += ", " + std::to_string(d);
    return s;
  };
  out.signature =
      "input: float32 [batch" + dims(input_shape) + "] -> output: float32 [batch" + dims(output_shape) + "]";
}

}  // namespace

OnnxGraph export_onnx(torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape,
                      const std::string& graph_name, bool token_input) {
  onnx::ModelProto proto;
  proto.set_ir_version(onnx::IR_VERSION);
  proto.set_producer_name("cradle");
  proto.set_producer_version(CRADLE_VERSION);
  auto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  auto& graph = *proto.mutable_graph();
  graph.set_name(graph_name);
  OnnxGraph out;
  out.token_input = token_input;
  if (token_input) {
    out.input_name = "input_ids";
    out.output_name = "logits";
    value_info(graph.add_input(), out.input_name, onnx::TensorProto::INT64, {"batch", "sequence"}, {});
  } else {
    value_info(graph.add_input(), out.input_name, onnx::TensorProto::FLOAT, {"batch"}, input_shape);
  }
  OnnxGraphBuilder g(graph);
  OnnxSequence sequence;
  if (token_input) {  // the sequence length, read from the input's shape, cuts the position tables
    sequence.context = input_shape.at(0);
    const auto shape = g.node("Shape", {out.input_name}, "sequence");
    sequence.length =
        g.node("Slice", {shape, g.integers("sequence.start", {1}), g.integers("sequence.end", {2})}, "sequence");
  }
  std::string x = out.input_name;
  std::int64_t rank = static_cast<std::int64_t>(input_shape.size()) + 1;
  torch::NoGradGuard no_grad;
  model->eval();
  for (const auto& child : model->named_children()) {
    const std::string& name = child.key();
    const auto& layer = child.value();
    if (layer->as<torch::nn::DropoutImpl>() || layer->as<torch::nn::Dropout2dImpl>() || layer->as<FastDropoutImpl>() ||
        layer->as<ChannelsLastImpl>())
      continue;  // identity at inference: nothing to add
    x = model_layer_to_onnx(g, x, name, layer, token_input, sequence, rank);
  }
  // The last value, renamed, is the graph's output.
  graph.mutable_node(graph.node_size() - 1)->set_output(0, out.output_name);
  declare_output(graph, model, input_shape, sequence.context, out);
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& error) {
    throw Error(std::string("ONNX export: the ONNX checker rejects the graph: ") + error.what());
  }
  out.nodes = graph.node_size();
  if (!proto.SerializeToString(&out.bytes)) throw Error("ONNX export: the model could not be serialised");
  return out;
}

}  // namespace cradle
