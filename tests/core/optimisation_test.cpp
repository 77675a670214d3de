// Optimizers and learning-rate schedules on their own: Adadelta against its
// published update rule, decoupled weight decay, every optimizer minimising a
// quadratic, and each schedule's rate at hand-computed steps.
#include <QTest>

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/models/fast_dropout.h"
#include "core/train/adadelta.h"
#include "core/train/cross_entropy.h"
#include "core/train/learning_rate_schedule.h"
#include "core/train/optimizer_factory.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

// loss = sum(w * (p - target)^2): a fixed, badly scaled quadratic.
struct Quadratic {
  torch::Tensor target = torch::linspace(-2, 3, 12).reshape({4, 3});
  torch::Tensor weights = torch::linspace(0.1, 4, 12).reshape({4, 3});
  torch::Tensor loss(const torch::Tensor& p) const { return (weights * (p - target).pow(2)).sum(); }
};

torch::Tensor start_point() { return torch::linspace(1, -1, 12).reshape({4, 3}).set_requires_grad(true); }

double run_steps(torch::optim::Optimizer& optimizer, const torch::Tensor& p, int steps) {
  Quadratic q;
  for (int i = 0; i < steps; ++i) {
    optimizer.zero_grad();
    q.loss(p).backward();
    optimizer.step();
  }
  torch::NoGradGuard no_grad;
  return q.loss(p).item<double>();
}

TrainSpec train_spec(const std::string& json) {
  Json doc = {{"name", "x"},
              {"data", {{"train_images", "a"}, {"train_labels", "b"}, {"test_images", "c"}, {"test_labels", "d"}}}};
  doc["train"] = Json::parse(json);
  return parse_experiment(doc).train;
}

QString config_error(const std::string& train_json) {
  try {
    train_spec(train_json);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "accepted";
}

}  // namespace

class OptimisationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void softmaxCrossEntropyMatchesATen() {
    torch::manual_seed(8);
    for (const double smoothing : {0.0, 0.1}) {
      const auto logits = (torch::randn({37, 11}) * 4).requires_grad_();
      const auto targets = torch::randint(0, 11, {37}, torch::kInt64);
      const auto ours = softmax_cross_entropy(logits, targets, smoothing);
      (ours * 3).backward();  // a non-unit upstream gradient
      const auto our_grad = logits.grad().clone();
      logits.mutable_grad() = torch::Tensor();
      const auto aten = torch::nn::functional::cross_entropy(
          logits, targets, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(smoothing));
      (aten * 3).backward();
      QVERIFY(std::abs(ours.item<double>() - aten.item<double>()) < 1e-5);
      QVERIFY2(torch::allclose(our_grad, logits.grad(), 1e-5, 1e-7), qPrintable(QString::number(smoothing)));
    }
  }

  void fastDropoutDropsTheRightShareReproducibly() {
    FastDropout dropout(0.3);
    const auto x = torch::ones({1000, 1001});  // an odd count: the last pair is half used
    torch::manual_seed(1);
    const auto a = dropout->forward(x);
    const double kept = a.ne(0).to(torch::kFloat64).mean().item<double>();
    QVERIFY2(std::abs(kept - 0.7) < 0.003, qPrintable(QString::number(kept)));  // 1M draws: deviation 0.0005
    QVERIFY(((a == 0) | ((a - 1 / 0.7).abs() < 1e-6)).all().item<bool>());      // kept values scaled by 1 / (1 - p)
    torch::manual_seed(1);
    QVERIFY(torch::equal(dropout->forward(x), a));   // the seed decides the mask
    QVERIFY(!torch::equal(dropout->forward(x), a));  // and each call draws a new one
    // The same mask whatever the thread count.
    const int threads = torch::get_num_threads();
    torch::set_num_threads(1);
    torch::manual_seed(1);
    const auto single = dropout->forward(x);
    torch::set_num_threads(threads);
    QVERIFY(torch::equal(single, a));
    // Gradients pass through the kept elements with the same scale; evaluation is the identity.
    const auto w = torch::ones({64}).requires_grad_();
    const auto y = dropout->forward(w);
    y.sum().backward();
    QVERIFY(torch::equal(w.grad(), y.detach()));
    dropout->eval();
    QVERIFY(torch::equal(dropout->forward(x), x));
  }

  void adadeltaFollowsThePublishedRule() {
    const double lr = 0.7, rho = 0.85, eps = 1e-5, decay = 0.01;
    auto p = start_point();
    Adadelta optimizer({p}, AdadeltaOptions(lr).rho(rho).eps(eps).weight_decay(decay));
    // The rule by hand, in float64.
    Quadratic q;
    auto expected = start_point().detach().to(torch::kFloat64);
    auto square_avg = torch::zeros_like(expected), acc_delta = torch::zeros_like(expected);
    const auto target = q.target.to(torch::kFloat64), weights = q.weights.to(torch::kFloat64);
    for (int i = 0; i < 6; ++i) {
      optimizer.zero_grad();
      q.loss(p).backward();
      optimizer.step();
      const auto grad = 2 * weights * (expected - target) + decay * expected;
      square_avg = rho * square_avg + (1 - rho) * grad * grad;
      const auto delta = torch::sqrt(acc_delta + eps) / torch::sqrt(square_avg + eps) * grad;
      acc_delta = rho * acc_delta + (1 - rho) * delta * delta;
      expected = expected - lr * delta;
      const double difference = (p.detach().to(torch::kFloat64) - expected).abs().max().item<double>();
      QVERIFY2(difference < 1e-5, qPrintable(QString("step %1: %2").arg(i + 1).arg(difference)));
    }
  }

  void adadeltaStateSurvivesSaveAndLoad() {
    auto straight = start_point();
    Adadelta uninterrupted({straight});
    run_steps(uninterrupted, straight, 8);

    auto p = start_point();
    Adadelta first({p});
    run_steps(first, p, 5);
    torch::serialize::OutputArchive out;
    first.save(out);
    std::ostringstream bytes;
    out.save_to(bytes);
    auto resumed_p = p.detach().clone().set_requires_grad(true);
    Adadelta resumed({resumed_p});
    torch::serialize::InputArchive in;
    std::istringstream input(bytes.str());
    in.load_from(input);
    resumed.load(in);
    run_steps(resumed, resumed_p, 3);
    QVERIFY(torch::allclose(resumed_p, straight, 0, 1e-7));
    // Without the state the path differs: the test above could fail.
    auto fresh_p = p.detach().clone().set_requires_grad(true);
    Adadelta fresh({fresh_p});
    run_steps(fresh, fresh_p, 3);
    QVERIFY(!torch::allclose(fresh_p, straight, 0, 1e-6));
  }

  void adamwDecaysWeightsApartFromTheGradient() {
    // A zero gradient: Adam's L2 decay becomes a gradient (a full-size step),
    // AdamW's decoupled decay only scales the weights by (1 - lr * decay).
    const auto trial = [](const std::string& optimizer) {
      auto weight = torch::full({2, 3}, 2.0).set_requires_grad(true);
      auto bias = torch::full({3}, 2.0).set_requires_grad(true);
      TrainSpec spec = train_spec(R"({"optimizer": ")" + optimizer + R"(", "lr": 0.1, "weight_decay": 0.5})");
      auto opt = make_optimizer(spec, {weight, bias});
      opt->zero_grad();
      (weight * 0).sum().add((bias * 0).sum()).backward();
      opt->step();
      return std::make_pair(weight[0][0].item<double>(), bias[0].item<double>());
    };
    QVERIFY(std::abs(trial("adamw").first - 2.0 * (1 - 0.1 * 0.5)) < 1e-6);
    QVERIFY(std::abs(trial("adam").first - (2.0 - 0.1)) < 1e-4);  // Adam's first step has size lr
    QVERIFY(std::abs(trial("adadelta").first - 2.0) > 1e-4);      // decay reaches Adadelta's weights too
    for (const char* optimizer : {"adamw", "adam", "adadelta", "sgd"})
      QCOMPARE(trial(optimizer).second, 2.0);  // biases are never decayed
  }

  void everyOptimizerMinimisesAQuadratic() {
    const double initial = Quadratic().loss(start_point()).item<double>();
    for (const char* json :
         {R"({"optimizer": "sgd", "lr": 0.05})", R"({"optimizer": "sgd", "lr": 0.05, "nesterov": true})",
          R"({"optimizer": "adagrad", "lr": 0.5})", R"({"optimizer": "adadelta", "lr": 1.0, "eps": 1e-3})",
          R"({"optimizer": "rmsprop", "lr": 0.01})", R"({"optimizer": "adam", "lr": 0.05})",
          R"({"optimizer": "adamw", "lr": 0.05, "weight_decay": 0})"}) {
      auto p = start_point();
      auto optimizer = make_optimizer(train_spec(json), {p});
      const double final_loss = run_steps(*optimizer, p, 2000);
      QVERIFY2(final_loss < 0.05 * initial, qPrintable(QString("%1: %2 -> %3").arg(json).arg(initial).arg(final_loss)));
    }
  }

  void optimizerFieldsAreCheckedPerOptimizer() {
    QCOMPARE(config_error(R"({"optimizer": "adam", "rho": 0.9})"),
             QString("train.rho: only used by optimizer \"adadelta\", not \"adam\""));
    QCOMPARE(config_error(R"({"optimizer": "sgd", "betas": [0.9, 0.99]})"),
             QString("train.betas: only used by optimizers \"adam\" and \"adamw\", not \"sgd\""));
    QCOMPARE(config_error(R"({"optimizer": "sgd", "momentum": 0, "nesterov": true})"),
             QString("train.nesterov: needs train.momentum above 0"));
    QCOMPARE(config_error(R"({"optimizer": "adam", "betas": [0.9]})"),
             QString("train.betas: expected [beta1, beta2], got 1 numbers"));
    QCOMPARE(config_error(R"({"schedule": {"type": "cosine", "gamma": 0.5}})"),
             QString("train.schedule.gamma: only used by schedule types \"step\" and \"exponential\", not \"cosine\""));
    QCOMPARE(config_error(R"({"schedule": {"type": "one_cycle", "warmup_steps": 5}})").left(47),
             QString("train.schedule.warmup_steps: only used by sched"));
    QCOMPARE(
        config_error(R"({"early_stopping": {"metric": "validation_r2"}})"),
        QString(
            "train.early_stopping.metric: \"validation_r2\" is measured for task \"regression\" only, not \"classification\""));
    QCOMPARE(config_error(R"({"accumulate_steps": 0})").left(35), QString("train.accumulate_steps: must be bet"));
    // Per-optimizer defaults, as PyTorch's.
    QCOMPARE(train_spec(R"({"optimizer": "adadelta"})").lr, 1.0);
    QCOMPARE(train_spec(R"({"optimizer": "adadelta"})").eps, 1e-6);
    QCOMPARE(train_spec(R"({"optimizer": "adamw"})").weight_decay, 0.01);
    QCOMPARE(train_spec(R"({"optimizer": "rmsprop"})").momentum, 0.0);
  }

  void schedulesGiveTheHandComputedRates() {
    const auto rate = [](const std::string& json, std::int64_t step, std::int64_t total = 10,
                         std::int64_t per_epoch = 5) {
      return LearningRateSchedule(train_spec(R"({"schedule": )" + json + "}").schedule, 1.0, total, per_epoch).at(step);
    };
    const auto near = [](double a, double b) { return std::abs(a - b) < 1e-9; };
    QCOMPARE(rate(R"({"type": "constant"})", 7), 1.0);
    QCOMPARE(rate(R"({"type": "constant", "warmup_steps": 4})", 0), 0.25);
    QCOMPARE(rate(R"({"type": "constant", "warmup_steps": 4})", 3), 1.0);
    QCOMPARE(rate(R"({"type": "step", "gamma": 0.5})", 4), 1.0);  // epoch 1
    QCOMPARE(rate(R"({"type": "step", "gamma": 0.5})", 5), 0.5);  // epoch 2
    QCOMPARE(rate(R"({"type": "step", "gamma": 0.5, "step_epochs": 2})", 9), 1.0);
    QCOMPARE(rate(R"({"type": "exponential", "gamma": 0.5})", 12, 20), 0.25);  // epoch 3
    // Cosine and linear after 2 warm-up steps, over the 8 that follow.
    QVERIFY(near(rate(R"({"type": "cosine", "warmup_steps": 2})", 6), 0.5));
    QVERIFY(near(rate(R"({"type": "cosine", "warmup_steps": 2})", 9), (1 + std::cos(M_PI * 7 / 8)) / 2));
    QVERIFY(near(rate(R"({"type": "linear", "warmup_steps": 2, "min_lr": 0.2})", 6), 0.6));
    // One-cycle as PyTorch's OneCycleLR: 0.04 at the start, 1 at step 29 of 100, 4e-6 at the end.
    QVERIFY(near(rate(R"({"type": "one_cycle"})", 0, 100), 0.04));
    QVERIFY(near(rate(R"({"type": "one_cycle"})", 29, 100), 1.0));
    QVERIFY(near(rate(R"({"type": "one_cycle"})", 99, 100), 4e-6));
    QVERIFY(rate(R"({"type": "one_cycle"})", 15, 100) < 1.0 && rate(R"({"type": "one_cycle"})", 15, 100) > 0.04);
  }

  void plateauCutsAfterPatienceAndStopsAtTheFloor() {
    LearningRateSchedule s(
        train_spec(R"({"schedule": {"type": "plateau", "patience": 1, "factor": 0.5, "min_lr": 0.2}})").schedule, 1.0,
        100, 10);
    QVERIFY(!s.observe_validation_loss(1.0));  // the first is the best so far
    QVERIFY(!s.observe_validation_loss(1.0));  // 1 epoch without improvement: within patience
    QVERIFY(s.observe_validation_loss(1.0));   // 2: cut
    QCOMPARE(s.at(50), 0.5);
    QVERIFY(!s.observe_validation_loss(0.5));  // better: the count restarts
    QVERIFY(!s.observe_validation_loss(0.6));
    QVERIFY(s.observe_validation_loss(0.6));
    QCOMPARE(s.at(60), 0.25);
    QVERIFY(!s.observe_validation_loss(0.7));
    QVERIFY(s.observe_validation_loss(0.7));
    QCOMPARE(s.at(70), 0.2);  // 0.125, held at the floor
    QVERIFY(s.describe().find("plateau") != std::string::npos);
  }
};

CRADLE_REGISTER_TEST(OptimisationTest);

}  // namespace cradle::test

#include "optimisation_test.moc"
