#include "core/compress/dynamic_int8_linear.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/native/quantized/PackedParams.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/compress/int8_weights.h"

namespace cradle {
namespace {

using PackedLinear = c10::intrusive_ptr<LinearPackedParamsBase>;

// The packed int8 weights and the dynamic operator; forward takes [..., in] like Linear.
class DynamicInt8LinearImpl : public torch::nn::Module {
 public:
  explicit DynamicInt8LinearImpl(const torch::nn::Linear& linear) : out_features_(linear->options.out_features()) {
    const Int8Tensor q = quantize_per_channel(linear->weight);
    const auto quantized = at::_make_per_channel_quantized_tensor(
        q.values, q.scales.to(torch::kFloat64), torch::zeros({q.scales.size(0)}, torch::kLong), 0);
    static const auto prepack = c10::Dispatcher::singleton()
                                    .findSchemaOrThrow("quantized::linear_prepack", "")
                                    .typed<PackedLinear(at::Tensor, c10::optional<at::Tensor>)>();
    packed_ = prepack.call(quantized, linear->bias.defined() ? c10::optional<at::Tensor>(linear->bias.detach()) : c10::nullopt);
  }

  torch::Tensor forward(const torch::Tensor& input) {
    static const auto linear_dynamic = c10::Dispatcher::singleton()
                                           .findSchemaOrThrow("quantized::linear_dynamic", "")
                                           .typed<at::Tensor(at::Tensor, const PackedLinear&, bool)>();
    auto shape = input.sizes().vec();
    const auto flat = input.reshape({-1, shape.back()}).contiguous().to(torch::kFloat32);
    shape.back() = out_features_;
    return linear_dynamic.call(flat, packed_, /*reduce_range=*/false).reshape(shape);
  }

 private:
  std::int64_t out_features_;
  PackedLinear packed_;
};
TORCH_MODULE(DynamicInt8Linear);

}  // namespace

std::string select_quantized_engine(const std::string& requested) {
  const auto supported = at::globalContext().supportedQEngines();
  const auto has = [&](at::QEngine engine) { return std::find(supported.begin(), supported.end(), engine) != supported.end(); };
  at::QEngine engine;
  if (requested == "auto") {
    if (has(at::QEngine::ONEDNN)) engine = at::QEngine::ONEDNN;
    else if (has(at::QEngine::FBGEMM)) engine = at::QEngine::FBGEMM;
    else if (has(at::QEngine::QNNPACK)) engine = at::QEngine::QNNPACK;
    else throw ConfigError("quantisation: this LibTorch has no quantised engine (supportedQEngines is empty)");
  } else if (requested == "onednn" || requested == "qnnpack" || requested == "fbgemm") {
    engine = requested == "onednn" ? at::QEngine::ONEDNN : requested == "qnnpack" ? at::QEngine::QNNPACK : at::QEngine::FBGEMM;
    if (!has(engine)) throw ConfigError("--engine " + requested + ": this LibTorch has no such quantised engine");
  } else {
    throw ConfigError("--engine \"" + requested + "\": expected auto, onednn, qnnpack or fbgemm");
  }
  at::globalContext().setQEngine(engine);
  return engine == at::QEngine::ONEDNN ? "onednn" : engine == at::QEngine::QNNPACK ? "qnnpack" : "fbgemm";
}

DynamicInt8Model with_dynamic_int8_linears(const torch::nn::Sequential& model) {
  DynamicInt8Model result;
  result.model = torch::nn::Sequential();
  for (const auto& module : model->modules(/*include_self=*/false))
    if (module->as<torch::nn::Linear>()) ++result.linear_layers;
  const auto names = model->named_children();
  std::size_t i = 0;
  for (const auto& layer : *model) {
    const std::string& name = names[i++].key();
    if (const auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(layer.ptr())) {
      result.model->push_back(std::string(name), DynamicInt8Linear(torch::nn::Linear(linear)));
      ++result.quantized_layers;
    } else {
      result.model->push_back(std::string(name), layer);
    }
  }
  result.model->eval();
  return result;
}

}  // namespace cradle
