#include "core/compress/dynamic_int8_linear.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/native/quantized/PackedParams.h>
#include <torch/torch.h>

#include <map>
#include <mutex>

#include "core/common/error.h"
#include "core/compress/int8_weights.h"

namespace cradle {
namespace {

using PackedLinear = c10::intrusive_ptr<LinearPackedParamsBase>;

// The packed int8 weights and the dynamic operator; forward takes [..., in] like Linear.
class DynamicInt8LinearImpl : public torch::nn::Module {
 public:
  DynamicInt8LinearImpl(const torch::nn::Linear& linear, bool reduce_range)
      : out_features_(linear->options.out_features()), reduce_range_(reduce_range) {
    const Int8Tensor q = quantize_per_channel(linear->weight);
    const auto quantized = at::_make_per_channel_quantized_tensor(q.values, q.scales.to(torch::kFloat64),
                                                                  torch::zeros({q.scales.size(0)}, torch::kLong), 0);
    static const auto prepack = c10::Dispatcher::singleton()
                                    .findSchemaOrThrow("quantized::linear_prepack", "")
                                    .typed<PackedLinear(at::Tensor, c10::optional<at::Tensor>)>();
    packed_ = prepack.call(quantized,
                           linear->bias.defined() ? c10::optional<at::Tensor>(linear->bias.detach()) : c10::nullopt);
  }

  torch::Tensor forward(const torch::Tensor& input) {
    static const auto linear_dynamic = c10::Dispatcher::singleton()
                                           .findSchemaOrThrow("quantized::linear_dynamic", "")
                                           .typed<at::Tensor(at::Tensor, const PackedLinear&, bool)>();
    auto shape = input.sizes().vec();
    const auto flat = input.reshape({-1, shape.back()}).contiguous().to(torch::kFloat32);
    shape.back() = out_features_;
    return linear_dynamic.call(flat, packed_, reduce_range_).reshape(shape);
  }

 private:
  std::int64_t out_features_;
  bool reduce_range_;
  PackedLinear packed_;
};
TORCH_MODULE(DynamicInt8Linear);

// Whether the engine's int8 kernels saturate at full range. Processors without
// VNNI multiply u8 activations by s8 weights with vpmaddubsw, whose int16 sums
// of pairs overflow (2 * 255 * 127 > 32767): on an AVX2-only Zen 3 the outputs
// were 8% off. PyTorch's remedy is 7-bit activations (reduce_range). Measured
// on the engine as it runs rather than read off the processor's flags, so a
// capped ISA (ONEDNN_MAX_CPU_ISA) or an engine that compensates is seen as it is:
// every activation and weight at its largest, 64 products of 1, where a
// saturating kernel cannot reach 64.
bool full_range_saturates() {
  torch::NoGradGuard no_grad;
  torch::nn::Linear probe(torch::nn::LinearOptions(64, 8));
  probe->weight.fill_(1.0);
  probe->bias.zero_();
  const auto out = DynamicInt8Linear(probe, /*reduce_range=*/false)->forward(torch::ones({2, 64}));
  return (out - 64).abs().max().item<double>() > 0.5;
}

}  // namespace

bool int8_needs_reduced_range() {
  static std::mutex mutex;
  static std::map<at::QEngine, bool> measured;  // per engine: the probe runs once
  std::lock_guard<std::mutex> lock(mutex);
  const at::QEngine engine = at::globalContext().qEngine();
  const auto found = measured.find(engine);
  if (found != measured.end()) return found->second;
  return measured[engine] = full_range_saturates();
}

std::string select_quantized_engine(const std::string& requested) {
  const auto supported = at::globalContext().supportedQEngines();
  const auto has = [&](at::QEngine engine) {
    return std::find(supported.begin(), supported.end(), engine) != supported.end();
  };
  at::QEngine engine;
  if (requested == "auto") {
    if (has(at::QEngine::ONEDNN))
      engine = at::QEngine::ONEDNN;
    else if (has(at::QEngine::FBGEMM))
      engine = at::QEngine::FBGEMM;
    else if (has(at::QEngine::QNNPACK))
      engine = at::QEngine::QNNPACK;
    else
      throw ConfigError("quantisation: this LibTorch has no quantised engine (supportedQEngines is empty)");
  } else if (requested == "onednn" || requested == "qnnpack" || requested == "fbgemm") {
    engine = requested == "onednn"    ? at::QEngine::ONEDNN
             : requested == "qnnpack" ? at::QEngine::QNNPACK
                                      : at::QEngine::FBGEMM;
    if (!has(engine)) throw ConfigError("--engine " + requested + ": this LibTorch has no such quantised engine");
  } else {
    throw ConfigError("--engine \"" + requested + "\": expected auto, onednn, qnnpack or fbgemm");
  }
  at::globalContext().setQEngine(engine);
  return engine == at::QEngine::ONEDNN ? "onednn" : engine == at::QEngine::QNNPACK ? "qnnpack" : "fbgemm";
}

double int8_relative_error(torch::nn::Sequential model, const torch::Tensor& inputs) {
  torch::NoGradGuard no_grad;
  auto int8 = with_dynamic_int8_linears(model);
  const auto expected = model->forward(inputs).to(torch::kFloat32);
  const auto got = int8.model->forward(inputs).to(torch::kFloat32);
  const double norm = expected.norm().item<double>();
  return norm > 0 ? (got - expected).norm().item<double>() / norm : 0.0;
}

DynamicInt8Model with_dynamic_int8_linears(const torch::nn::Sequential& model) {
  DynamicInt8Model result;
  result.reduced_range = int8_needs_reduced_range();
  result.model = torch::nn::Sequential();
  for (const auto& module : model->modules(/*include_self=*/false))
    if (module->as<torch::nn::Linear>()) ++result.linear_layers;
  const auto names = model->named_children();
  std::size_t i = 0;
  for (const auto& layer : *model) {
    const std::string& name = names[i++].key();
    if (const auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(layer.ptr())) {
      result.model->push_back(std::string(name), DynamicInt8Linear(torch::nn::Linear(linear), result.reduced_range));
      ++result.quantized_layers;
    } else {
      result.model->push_back(std::string(name), layer);
    }
  }
  result.model->eval();
  return result;
}

}  // namespace cradle
