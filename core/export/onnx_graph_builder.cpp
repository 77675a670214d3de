#include "core/export/onnx_graph_builder.h"

#include <torch/torch.h>

#include <cmath>

namespace cradle {

std::string OnnxGraphBuilder::fresh(const std::string& hint) { return hint + "_" + std::to_string(++values_); }

std::string OnnxGraphBuilder::weight(const std::string& name, const torch::Tensor& value) {
  const auto key = std::make_tuple(value.data_ptr(), value.sizes().vec(), value.strides().vec());
  if (const auto found = stored_.find(key); found != stored_.end()) return found->second;
  stored_[key] = name;
  kept_.push_back(value);
  const auto t = value.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  auto* proto = graph_.add_initializer();
  proto->set_name(name);
  proto->set_data_type(onnx::TensorProto::FLOAT);
  for (const auto d : t.sizes()) proto->add_dims(d);
  proto->set_raw_data(
      std::string(static_cast<const char*>(t.data_ptr()), static_cast<std::size_t>(t.numel()) * sizeof(float)));
  return name;
}

std::string OnnxGraphBuilder::integers(const std::string& name, const std::vector<std::int64_t>& values) {
  auto* proto = graph_.add_initializer();
  const std::string unique = fresh(name);
  proto->set_name(unique);
  proto->set_data_type(onnx::TensorProto::INT64);
  proto->add_dims(static_cast<std::int64_t>(values.size()));
  for (const auto v : values) proto->add_int64_data(v);
  return unique;
}

std::string OnnxGraphBuilder::scalar(const std::string& name, float value) {
  auto* proto = graph_.add_initializer();
  const std::string unique = fresh(name);
  proto->set_name(unique);
  proto->set_data_type(onnx::TensorProto::FLOAT);
  proto->add_float_data(value);
  return unique;
}

std::string OnnxGraphBuilder::node(const std::string& op, const std::vector<std::string>& inputs,
                                   const std::string& hint) {
  return node_with_outputs(op, inputs, hint, 1).front();
}

std::vector<std::string> OnnxGraphBuilder::node_with_outputs(const std::string& op,
                                                             const std::vector<std::string>& inputs,
                                                             const std::string& hint, int count) {
  auto* n = graph_.add_node();
  n->set_op_type(op);
  n->set_name(hint + "/" + op + std::to_string(graph_.node_size()));
  for (const auto& input : inputs) n->add_input(input);
  std::vector<std::string> outputs;
  for (int i = 0; i < count; ++i) {
    outputs.push_back(fresh(hint));
    n->add_output(outputs.back());
  }
  return outputs;
}

void OnnxGraphBuilder::ints(const char* name, const std::vector<std::int64_t>& values) {
  auto* a = last_node().add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (const auto v : values) a->add_ints(v);
}

void OnnxGraphBuilder::integer(const char* name, std::int64_t value) {
  auto* a = last_node().add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void OnnxGraphBuilder::real(const char* name, double value) {
  auto* a = last_node().add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(static_cast<float>(value));
}

std::string OnnxGraphBuilder::linear(const std::string& x, const std::string& hint, const torch::Tensor& w,
                                     const torch::Tensor& b, bool rank2) {
  if (rank2) {
    std::vector<std::string> inputs = {x, weight(hint + ".weight", w)};
    if (b.defined()) inputs.push_back(weight(hint + ".bias", b));
    const auto out = node("Gemm", inputs, hint);
    integer("transB", 1);
    return out;
  }
  // MatMul broadcasts over the leading axes; the weight is stored transposed ([in, out]).
  auto out = node("MatMul", {x, weight(hint + ".weight_t", w.t())}, hint);
  if (b.defined()) out = node("Add", {out, weight(hint + ".bias", b)}, hint);
  return out;
}

std::string OnnxGraphBuilder::gelu(const std::string& x, const std::string& hint) {
  auto y = node("Mul", {x, scalar(hint + ".inv_sqrt2", static_cast<float>(1.0 / std::sqrt(2.0)))}, hint);
  y = node("Erf", {y}, hint);
  y = node("Add", {y, scalar(hint + ".one", 1.0f)}, hint);
  y = node("Mul", {y, x}, hint);
  return node("Mul", {y, scalar(hint + ".half", 0.5f)}, hint);
}

std::string OnnxGraphBuilder::layer_norm(const std::string& x, const std::string& hint, const torch::Tensor& w,
                                         const torch::Tensor& b, double eps) {
  const auto mean = node("ReduceMean", {x}, hint);
  ints("axes", {-1});
  const auto centred = node("Sub", {x, mean}, hint);
  const auto square = node("Mul", {centred, centred}, hint);
  const auto variance = node("ReduceMean", {square}, hint);
  ints("axes", {-1});
  const auto spread =
      node("Sqrt", {node("Add", {variance, scalar(hint + ".eps", static_cast<float>(eps))}, hint)}, hint);
  auto y = node("Div", {centred, spread}, hint);
  if (w.defined()) y = node("Mul", {y, weight(hint + ".weight", w)}, hint);
  if (b.defined()) y = node("Add", {y, weight(hint + ".bias", b)}, hint);
  return y;
}

}  // namespace cradle
