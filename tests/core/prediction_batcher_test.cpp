// The service's micro-batching of classification requests
// (core/serve/prediction_batcher.h): requests arriving within the window go
// through the model as one batch, each gets its own predictions back, a batch
// never holds more than the bound on inputs, and a failing model fails every
// request of its batch with the model's message.
#include <QTest>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/serve/generation_scheduler.h"
#include "core/serve/prediction_batcher.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

// Each input answered with itself, and every call's bodies and inputs counted (outside the
// anonymous namespace: the test methods' lambdas hold it).
struct PredictionEchoModel {
  std::mutex mutex;
  std::vector<std::size_t> bodies_per_call, inputs_per_call;
  std::vector<std::vector<BundlePrediction>> operator()(const std::vector<const PredictBody*>& bodies) {
    std::size_t inputs = 0;
    std::vector<std::vector<BundlePrediction>> out;
    for (const auto* body : bodies) {
      std::vector<BundlePrediction> predictions;
      for (const auto& input : body->inputs) predictions.push_back(BundlePrediction{input, "", {}, {}, {}});
      inputs += body->inputs.size();
      out.push_back(std::move(predictions));
    }
    std::lock_guard<std::mutex> lock(mutex);
    bodies_per_call.push_back(bodies.size());
    inputs_per_call.push_back(inputs);
    return out;
  }
};

namespace {

// `count` threads released together, each predicting two inputs named after it.
std::vector<std::vector<BundlePrediction>> predict_together(PredictionBatcher& batcher, int count,
                                                            std::vector<std::string>* errors = nullptr) {
  std::vector<std::vector<BundlePrediction>> answers(static_cast<std::size_t>(count));
  std::vector<PredictBody> bodies(static_cast<std::size_t>(count));
  if (errors) errors->assign(static_cast<std::size_t>(count), "");
  std::mutex mutex;
  std::condition_variable go;
  bool released = false;
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    bodies[static_cast<std::size_t>(i)].inputs = {"a" + std::to_string(i), "b" + std::to_string(i)};
    threads.emplace_back([&, i] {
      {
        std::unique_lock<std::mutex> lock(mutex);
        go.wait(lock, [&] { return released; });
      }
      try {
        answers[static_cast<std::size_t>(i)] = batcher.predict(bodies[static_cast<std::size_t>(i)]);
      } catch (const std::exception& error) {
        if (errors) (*errors)[static_cast<std::size_t>(i)] = error.what();
      }
    });
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    released = true;
  }
  go.notify_all();
  for (auto& t : threads) t.join();
  return answers;
}

}  // namespace

class PredictionBatcherTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Six requests at once with a window long enough for a busy machine: fewer
  // model calls than requests, at least one holding several requests, and
  // each request its own two predictions in order.
  void concurrentRequestsShareABatch() {
    PredictionEchoModel model;
    PredictionBatcher batcher([&](const auto& bodies) { return model(bodies); }, std::chrono::milliseconds(500), 64,
                              100, nullptr);
    const auto answers = predict_together(batcher, 6);
    for (int i = 0; i < 6; ++i) {
      const auto& mine = answers[static_cast<std::size_t>(i)];
      QCOMPARE(mine.size(), std::size_t(2));
      QCOMPARE(mine[0].input, "a" + std::to_string(i));
      QCOMPARE(mine[1].input, "b" + std::to_string(i));
    }
    QVERIFY2(model.bodies_per_call.size() < 6, qPrintable(QString("%1 calls").arg(model.bodies_per_call.size())));
    QVERIFY(*std::max_element(model.bodies_per_call.begin(), model.bodies_per_call.end()) > 1);
  }

  // A bound of 5 inputs with requests of 2: at most two requests a batch, all answered.
  void batchesKeepTheirBoundOnInputs() {
    PredictionEchoModel model;
    PredictionBatcher batcher([&](const auto& bodies) { return model(bodies); }, std::chrono::milliseconds(200), 5, 100,
                              nullptr);
    const auto answers = predict_together(batcher, 7);
    for (const auto& mine : answers) QCOMPARE(mine.size(), std::size_t(2));
    for (const auto inputs : model.inputs_per_call) QVERIFY2(inputs <= 5, qPrintable(QString::number(inputs)));
  }

  // The model throws: every request of the batch gets the model's message.
  void aFailingModelFailsItsWholeBatch() {
    PredictionBatcher batcher(
        [](const std::vector<const PredictBody*>&) -> std::vector<std::vector<BundlePrediction>> {
          throw std::runtime_error("weights missing");
        },
        std::chrono::milliseconds(100), 64, 100, nullptr);
    std::vector<std::string> errors;
    predict_together(batcher, 4, &errors);
    for (const auto& error : errors) QCOMPARE(error, std::string("weights missing"));
  }

  // Past `max_waiting` requests the next one is refused at once as busy.
  void tooManyWaitingIsBusy() {
    std::mutex gate;
    std::unique_lock<std::mutex> held(gate);  // the model blocks until released
    std::atomic<int> entered{0};
    PredictionBatcher batcher(
        [&](const std::vector<const PredictBody*>& bodies) {
          ++entered;
          std::lock_guard<std::mutex> wait_for_release(gate);
          return std::vector<std::vector<BundlePrediction>>(bodies.size());
        },
        std::chrono::milliseconds(0), 1, 1, nullptr);
    PredictBody body;
    body.inputs = {"x"};
    std::thread first([&] { batcher.predict(body); });
    while (entered.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    QVERIFY_THROWS_EXCEPTION(SchedulerBusy, batcher.predict(body));
    held.unlock();
    first.join();
  }
};

CRADLE_REGISTER_TEST(PredictionBatcherTest);

}  // namespace cradle::test

#include "prediction_batcher_test.moc"
