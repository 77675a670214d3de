// Gradient checkpointing (core/train/activation_checkpoint.h) on the Hub
// architectures: the gradients of every parameter and of the loss are the
// ones kept activations give, for full fine-tuning and for LoRA over a frozen
// embedding with dropout (the rerun draws the same masks).
#include <QTest>

#include <torch/torch.h>

#include <map>
#include <string>

#include "core/hub/hub_config.h"
#include "core/models/gpt2.h"
#include "core/models/llama.h"
#include "core/models/lora.h"
#include "core/train/activation_checkpoint.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

std::shared_ptr<CausalLanguageModelImpl> tiny_model(const QString& variant) {
  torch::manual_seed(21);
  if (variant.startsWith("gpt2")) return Gpt2LMHeadModel(parse_hub_config(tiny_gpt2_config(), "config.json")).ptr();
  return LlamaForCausalLM(parse_hub_config(tiny_config("LlamaForCausalLM", "llama"), "config.json")).ptr();
}

struct StepResult {
  double loss = 0;
  std::map<std::string, torch::Tensor> gradients;
};

// One forward and backward pass with the random state at `seed` (dropout's masks).
StepResult step(CausalLanguageModelImpl& model, bool checkpointed) {
  model.set_gradient_checkpointing(checkpointed);
  model.zero_grad();
  torch::manual_seed(5);
  const auto ids = torch::randint(0, 96, {2, 17});
  const auto logits = model.forward(ids.slice(1, 0, 16));
  const auto loss =
      torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}), ids.slice(1, 1).reshape({-1}));
  loss.backward();
  StepResult result;
  result.loss = loss.item<double>();
  for (const auto& item : model.named_parameters())
    if (item.value().grad().defined()) result.gradients[item.key()] = item.value().grad().clone();
  return result;
}

}  // namespace

class ActivationCheckpointTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void sameGradientsAsKeptActivations_data() {
    QTest::addColumn<QString>("variant");
    QTest::addColumn<bool>("lora");
    QTest::newRow("llama, full fine-tuning") << "llama" << false;
    QTest::newRow("llama, LoRA with dropout over a frozen embedding") << "llama" << true;
    QTest::newRow("gpt2, full fine-tuning") << "gpt2" << false;
    QTest::newRow("gpt2, LoRA with dropout") << "gpt2" << true;
  }

  void sameGradientsAsKeptActivations() {
    QFETCH(QString, variant);
    QFETCH(bool, lora);
    auto model = tiny_model(variant);
    if (lora) {
      attach_lora(*model, LoraOptions().with_rank(4).with_alpha(8).with_dropout(0.3),
                  default_lora_targets(model->config().architecture));
      freeze_all_but_adapters(*model);
      torch::NoGradGuard no_grad;  // lora_B starts at zero, which would leave lora_A's gradients zero
      for (const auto& [name, projection] : lora_projections(*model)) projection->lora_B->weight.normal_(0, 0.1);
    }
    model->train();
    const StepResult kept = step(*model, false);
    const StepResult recomputed = step(*model, true);
    QCOMPARE(recomputed.loss, kept.loss);
    QCOMPARE(recomputed.gradients.size(), kept.gradients.size());
    QVERIFY(kept.gradients.size() >= (lora ? 16u : 20u));
    for (const auto& [name, gradient] : kept.gradients) {
      const auto found = recomputed.gradients.find(name);
      QVERIFY2(found != recomputed.gradients.end(), name.c_str());
      const double scale = gradient.abs().max().item<double>();
      QVERIFY2(scale > 0, name.c_str());
      const double difference = (found->second - gradient).abs().max().item<double>();
      QVERIFY2(difference <= 1e-5 * scale,
               qPrintable(QString("%1: %2 of %3").arg(name.c_str()).arg(difference).arg(scale)));
    }
  }

  // Outside training it changes nothing: the same logits, nothing recorded for a backward pass.
  void evaluationRunsTheBlockAsItIs() {
    auto model = tiny_model("llama");
    model->eval();
    const auto ids = torch::randint(0, 96, {1, 12});
    const auto plain = model->forward(ids).detach();
    model->set_gradient_checkpointing(true);
    QVERIFY(torch::equal(model->forward(ids).detach(), plain));
    torch::NoGradGuard no_grad;
    const auto x = torch::randn({3, 4});
    const auto y = run_checkpointed([](const torch::Tensor& t) { return t * 2; }, x);
    QVERIFY(!y.requires_grad());
    QVERIFY(torch::equal(y, x * 2));
  }
};

CRADLE_REGISTER_TEST(ActivationCheckpointTest);

}  // namespace cradle::test

#include "activation_checkpoint_test.moc"
