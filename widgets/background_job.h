#pragma once
// Runs slow work (loading data, training a tokenizer) off the window's
// thread and hands the result back on it. Only the newest job's result is
// delivered: an edit made while a job runs makes its result stale.
#include <QCoreApplication>
#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace cradle {

class BackgroundJobs {
 public:
  // `work` runs on a new thread; `done` later runs on `receiver`'s thread,
  // unless a newer job was started meanwhile or the receiver is gone.
  template <typename Result>
  void start(QObject* receiver, std::function<Result()> work, std::function<void(const Result&)> done) {
    const int generation = ++*generation_;
    auto current = generation_;
    QPointer<QObject> target(receiver);
    ++*running_;
    auto running = running_;
    QThread* thread = QThread::create([=] {
      auto result = std::make_shared<Result>(work());
      QMetaObject::invokeMethod(
          target.data() ? target.data() : QCoreApplication::instance(),
          [=] {
            // Busy until the result is delivered (or dropped): a caller that
            // sees busy() false may start the next job knowing this one is over.
            --*running;
            if (target && *current == generation) done(*result);
          },
          Qt::QueuedConnection);
    });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    // A job still running when the application quits is waited for, not cut
    // off in the middle of LibTorch's work during shutdown.
    QObject::connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, thread,
                     [thread] { thread->wait(); });
    thread->start(QThread::LowPriority);
  }
  // Jobs whose result will be dropped (a newer one started).
  void invalidate() { ++*generation_; }
  // A job is running or its result is on its way to `done`.
  bool busy() const { return *running_ > 0; }

 private:
  std::shared_ptr<std::atomic<int>> generation_ = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<int>> running_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace cradle
