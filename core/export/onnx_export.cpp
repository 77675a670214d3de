// libonnx's protobuf classes; compiled with ONNX_NAMESPACE=onnx and ONNX_ML=1
// (core/CMakeLists.txt), as Debian's libonnx was built.
#include "core/export/onnx_export.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"
#include "core/models/fast_dropout.h"
#include "core/models/layers.h"

namespace cradle {
namespace {

// Builds the graph node by node; every tensor value gets a fresh name.
class GraphBuilder {
 public:
  explicit GraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

  std::string initializer(const std::string& name, const torch::Tensor& value) {
    const auto t = value.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    auto* proto = graph_.add_initializer();
    proto->set_name(name);
    proto->set_data_type(onnx::TensorProto::FLOAT);
    for (const auto d : t.sizes()) proto->add_dims(d);
    proto->set_raw_data(std::string(static_cast<const char*>(t.data_ptr()), static_cast<std::size_t>(t.numel()) * sizeof(float)));
    return name;
  }

  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output_hint) {
    auto* n = graph_.add_node();
    n->set_op_type(op);
    n->set_name(output_hint + "/" + op + std::to_string(graph_.node_size()));
    for (const auto& input : inputs) n->add_input(input);
    last_ = output_hint + "_" + std::to_string(graph_.node_size());
    n->add_output(last_);
    return *n;
  }
  const std::string& last() const { return last_; }

  static void ints(onnx::NodeProto& n, const char* name, const std::vector<std::int64_t>& values) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (const auto v : values) a->add_ints(v);
  }
  static void integer(onnx::NodeProto& n, const char* name, std::int64_t value) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }
  static void real(onnx::NodeProto& n, const char* name, double value) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(static_cast<float>(value));
  }

 private:
  onnx::GraphProto& graph_;
  std::string last_;
};

void value_info(onnx::ValueInfoProto* info, const std::string& name, const std::vector<std::int64_t>& sample_shape) {
  info->set_name(name);
  auto* type = info->mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = type->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  for (const auto d : sample_shape) shape->add_dim()->set_dim_value(d);
}

std::vector<std::int64_t> pair_of(const torch::ExpandingArray<2>& values) { return {values->at(0), values->at(1)}; }

}  // namespace

OnnxGraph export_onnx(torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape, const std::string& graph_name) {
  onnx::ModelProto proto;
  proto.set_ir_version(onnx::IR_VERSION);
  proto.set_producer_name("cradle");
  proto.set_producer_version(CRADLE_VERSION);
  auto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  auto& graph = *proto.mutable_graph();
  graph.set_name(graph_name);
  value_info(graph.add_input(), "input", input_shape);
  GraphBuilder g(graph);
  std::string x = "input";
  // Output shape per sample, tracked for the graph's output declaration.
  torch::NoGradGuard no_grad;
  auto probe = torch::zeros(input_shape).unsqueeze(0);
  model->eval();
  for (const auto& child : model->named_children()) {
    const std::string& name = child.key();
    const auto& layer = child.value();
    if (const auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(layer)) {
      std::vector<std::string> inputs = {x, g.initializer(name + ".weight", linear->weight)};
      if (linear->bias.defined()) inputs.push_back(g.initializer(name + ".bias", linear->bias));
      GraphBuilder::integer(g.node("Gemm", inputs, name), "transB", 1);
    } else if (const auto conv = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(layer)) {
      const auto& o = conv->options;
      const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
      if (!padding || !c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()))
        throw ConfigError("ONNX export: layer \"" + name + "\" (Conv2d) uses \"same\"/\"valid\" or non-zero padding mode; not expressed yet");
      std::vector<std::string> inputs = {x, g.initializer(name + ".weight", conv->weight)};
      if (conv->bias.defined()) inputs.push_back(g.initializer(name + ".bias", conv->bias));
      auto& n = g.node("Conv", inputs, name);
      const auto pads = pair_of(*padding);
      GraphBuilder::ints(n, "kernel_shape", pair_of(o.kernel_size()));
      GraphBuilder::ints(n, "strides", pair_of(o.stride()));
      GraphBuilder::ints(n, "dilations", pair_of(o.dilation()));
      GraphBuilder::ints(n, "pads", {pads[0], pads[1], pads[0], pads[1]});
      GraphBuilder::integer(n, "group", o.groups());
    } else if (layer->as<torch::nn::BatchNorm1dImpl>() || layer->as<torch::nn::BatchNorm2dImpl>()) {
      const auto parameters = layer->named_parameters(false);
      const auto buffers = layer->named_buffers(false);
      const double eps = layer->as<torch::nn::BatchNorm1dImpl>() ? layer->as<torch::nn::BatchNorm1dImpl>()->options.eps()
                                                                  : layer->as<torch::nn::BatchNorm2dImpl>()->options.eps();
      if (!parameters.contains("weight") || !buffers.contains("running_mean"))
        throw ConfigError("ONNX export: layer \"" + name + "\" (BatchNorm) has no affine weights or running statistics");
      auto& n = g.node("BatchNormalization",
                       {x, g.initializer(name + ".weight", parameters["weight"]), g.initializer(name + ".bias", parameters["bias"]),
                        g.initializer(name + ".running_mean", buffers["running_mean"]),
                        g.initializer(name + ".running_var", buffers["running_var"])},
                       name);
      GraphBuilder::real(n, "epsilon", eps);
    } else if (layer->as<torch::nn::ReLUImpl>()) {
      g.node("Relu", {x}, name);
    } else if (layer->as<torch::nn::TanhImpl>()) {
      g.node("Tanh", {x}, name);
    } else if (layer->as<torch::nn::SigmoidImpl>()) {
      g.node("Sigmoid", {x}, name);
    } else if (const auto gelu = std::dynamic_pointer_cast<torch::nn::GELUImpl>(layer)) {
      if (gelu->options.approximate() != "none") throw ConfigError("ONNX export: layer \"" + name + "\" (tanh-approximated GELU): not expressed yet");
      // 0.5 x (1 + erf(x / sqrt 2)), as LibTorch computes it.
      const auto scale = g.initializer(name + ".inv_sqrt2", torch::tensor(static_cast<float>(1.0 / std::sqrt(2.0))));
      const auto one = g.initializer(name + ".one", torch::tensor(1.0f));
      const auto half = g.initializer(name + ".half", torch::tensor(0.5f));
      const std::string input = x;
      g.node("Mul", {input, scale}, name);
      g.node("Erf", {g.last()}, name);
      g.node("Add", {g.last(), one}, name);
      g.node("Mul", {g.last(), input}, name);
      g.node("Mul", {g.last(), half}, name);
    } else if (const auto pool = std::dynamic_pointer_cast<torch::nn::MaxPool2dImpl>(layer)) {
      auto& n = g.node("MaxPool", {x}, name);
      GraphBuilder::ints(n, "kernel_shape", pair_of(pool->options.kernel_size()));
      GraphBuilder::ints(n, "strides", pair_of(pool->options.stride()));
      const auto pads = pair_of(pool->options.padding());
      GraphBuilder::ints(n, "pads", {pads[0], pads[1], pads[0], pads[1]});
      if (pool->options.ceil_mode()) GraphBuilder::integer(n, "ceil_mode", 1);
    } else if (const auto average = std::dynamic_pointer_cast<torch::nn::AvgPool2dImpl>(layer)) {
      auto& n = g.node("AveragePool", {x}, name);
      GraphBuilder::ints(n, "kernel_shape", pair_of(average->options.kernel_size()));
      GraphBuilder::ints(n, "strides", pair_of(average->options.stride()));
      const auto pads = pair_of(average->options.padding());
      GraphBuilder::ints(n, "pads", {pads[0], pads[1], pads[0], pads[1]});
      if (!average->options.count_include_pad() && (pads[0] || pads[1]))
        throw ConfigError("ONNX export: layer \"" + name + "\" (AvgPool2d without padding counted): not expressed yet");
    } else if (const auto flatten = std::dynamic_pointer_cast<torch::nn::FlattenImpl>(layer)) {
      if (flatten->options.start_dim() != 1 || flatten->options.end_dim() != -1)
        throw ConfigError("ONNX export: layer \"" + name + "\" (Flatten of other dimensions): not expressed yet");
      GraphBuilder::integer(g.node("Flatten", {x}, name), "axis", 1);
    } else if (layer->as<torch::nn::DropoutImpl>() || layer->as<torch::nn::Dropout2dImpl>() || layer->as<FastDropoutImpl>() ||
               layer->as<ChannelsLastImpl>()) {
      continue;  // identity at inference: nothing to add
    } else {
      std::string kind = layer->name();
      if (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "Impl") == 0) kind.resize(kind.size() - 4);
      throw ConfigError("ONNX export: layer \"" + name + "\" (" + kind + ") cannot be expressed in ONNX by this exporter yet; "
                        "nothing was written");
    }
    x = g.last();
  }
  // Rename the last value "output", declared with its per-sample shape.
  const auto output = model->forward(probe);
  auto* last_node = graph.mutable_node(graph.node_size() - 1);
  last_node->set_output(0, "output");
  std::vector<std::int64_t> output_shape(output.sizes().begin() + 1, output.sizes().end());
  value_info(graph.add_output(), "output", output_shape);
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& error) {
    throw Error(std::string("ONNX export: the ONNX checker rejects the graph: ") + error.what());
  }
  OnnxGraph out;
  out.nodes = graph.node_size();
  if (!proto.SerializeToString(&out.bytes)) throw Error("ONNX export: the model could not be serialised");
  return out;
}

OnnxRuntimeCheck check_onnx_with_opencv(const OnnxGraph& graph, torch::nn::Sequential& model, const torch::Tensor& inputs,
                                        double tolerance) {
  OnnxRuntimeCheck check;
  check.runtime = std::string("OpenCV DNN ") + CV_VERSION;
  check.tolerance = tolerance;
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(graph.bytes.data(), graph.bytes.size());
  } catch (const cv::Exception& error) {
    throw Error("ONNX export: OpenCV cannot read the graph: " + std::string(error.what()));
  }
  torch::NoGradGuard no_grad;
  model->eval();
  const auto x = inputs.to(torch::kCPU, torch::kFloat32).contiguous();
  const auto expected = model->forward(x).to(torch::kFloat32).contiguous();
  std::vector<int> dims(x.sizes().begin(), x.sizes().end());
  cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, const_cast<float*>(x.data_ptr<float>()));
  net.setInput(blob);
  cv::Mat result;
  try {
    result = net.forward();
  } catch (const cv::Exception& error) {
    throw Error("ONNX export: OpenCV cannot run the graph: " + std::string(error.what()));
  }
  if (static_cast<std::int64_t>(result.total()) != expected.numel())
    throw Error("ONNX export: OpenCV's output has " + std::to_string(result.total()) + " values, LibTorch's " +
                std::to_string(expected.numel()));
  const auto got = torch::from_blob(result.ptr<float>(), {expected.numel()}, torch::kFloat32);
  check.samples = x.size(0);
  check.max_abs_difference = (got - expected.reshape({-1})).abs().max().item<double>();
  check.passed = check.max_abs_difference <= tolerance;
  return check;
}

}  // namespace cradle
