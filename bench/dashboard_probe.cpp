// Trains an experiment in the studio's main window (offscreen) with the
// dashboard following it, while a 10 ms timer probes the event loop: how late
// each tick runs is how long the window would have been unresponsive. Prints
// one line: the run's median samples/s (from its report.json) and the probe's
// latency median, p99 and maximum in milliseconds.
//   cradle-bench-dashboard EXPERIMENT WORKSPACE
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "widgets/main_window.h"
#include "widgets/training_session.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: cradle-bench-dashboard EXPERIMENT WORKSPACE\n");
    return 2;
  }
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("CradleBench"));
  cradle::MainWindow window;
  window.setProjectFolders(QString(), QString::fromLocal8Bit(argv[2]));
  window.resize(1280, 800);
  window.show();
  if (!window.openExperiment(QString::fromLocal8Bit(argv[1]))) {
    std::fprintf(stderr, "%s\n", qPrintable(window.errorText()));
    return 1;
  }
  std::vector<double> late_ms;
  QElapsedTimer clock;
  QTimer probe;
  probe.setTimerType(Qt::PreciseTimer);
  probe.setInterval(10);
  qint64 last = 0;
  QObject::connect(&probe, &QTimer::timeout, [&] {
    const qint64 now = clock.nsecsElapsed();
    late_ms.push_back(std::max(0.0, (now - last) / 1e6 - 10.0));
    last = now;
  });
  QObject::connect(window.trainingSession(), &cradle::TrainingSession::finished, &app,
                   [&](const QString& status, const QString& summary) {
                     probe.stop();
                     if (status != QLatin1String("completed")) {
                       std::fprintf(stderr, "training %s: %s\n", qPrintable(status), qPrintable(summary));
                       QApplication::exit(1);
                       return;
                     }
                     QFile report(window.trainingSession()->runFolder() + QStringLiteral("/report.json"));
                     report.open(QIODevice::ReadOnly);
                     const double speed = QJsonDocument::fromJson(report.readAll())
                                              .object()[QStringLiteral("median_train_samples_per_second")]
                                              .toDouble();
                     std::sort(late_ms.begin(), late_ms.end());
                     const auto at = [&](double q) {
                       return late_ms.empty() ? 0.0 : late_ms[static_cast<size_t>(q * (late_ms.size() - 1))];
                     };
                     std::printf("window samples_per_s %.0f latency_ms median %.2f p99 %.2f max %.2f ticks %zu\n",
                                 speed, at(0.5), at(0.99), late_ms.empty() ? 0.0 : late_ms.back(), late_ms.size());
                     QApplication::exit(0);
                   });
  clock.start();
  probe.start();
  if (!window.startTraining()) return 1;
  return QApplication::exec();
}
