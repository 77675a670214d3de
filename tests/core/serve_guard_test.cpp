// The HTTP service against slow and greedy clients, over real loopback sockets:
// clients sending their headers a byte at a time are cut off after the head
// timeout while /v1/health stays answered; one address holds at most its share
// of the workers; a second service cannot take a port in use; a bad
// Content-Length is refused at once; kept-alive requests are not held back by
// Nagle's algorithm; the listen backlog; latency counts the wait for a worker.
// Slow clients connect from 127.0.0.2 and 127.0.0.3 (the loopback range), so
// the probing client on 127.0.0.1 has its own per-address share.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "core/common/error.h"
#include "core/export/model_bundle.h"
#include "core/run/experiment_run.h"
#include "core/serve/prediction_service.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct RunningService {
  RunningService(const fs::path& bundle, ServiceOptions options) {
    service = std::make_unique<PredictionService>(open_bundle(bundle), options);
    port = service->bind();
    thread = std::thread([this] { service->run(); });
  }
  ~RunningService() {
    service->stop();
    thread.join();
  }
  std::unique_ptr<PredictionService> service;
  int port = 0;
  std::thread thread;
};

// A raw TCP connection from `source` (a loopback address) to the service.
class RawClient {
 public:
  RawClient(const char* source, int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      throw std::runtime_error("bind to a loopback source failed");
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0)
      throw std::runtime_error("connect failed");
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Everything the server sends until it closes the connection or `seconds` pass.
  std::string read_all(double seconds) {
    std::string out;
    const auto until = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    char buffer[4096];
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Whether the server has answered or closed the connection (something to read).
  bool server_spoke() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  int fd_;
};

int status_of(const std::string& response) {
  return response.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(response.c_str() + 9) : 0;
}

}  // namespace

class ServeGuardTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  fs::path bundle_;

 private Q_SLOTS:
  void initTestCase() {
    write_quadrant_dataset(dir_.path(), 60, 8);
    const fs::path root = dir_.path().toStdString();
    ExperimentRun(load_experiment(write_quadrant_experiment(dir_.path(), R"({"train":{"epochs":1}})").toStdString()),
                  root / "run")
        .train();
    bundle_ = root / "bundle";
    export_bundle(root / "run", bundle_);
  }

  // The slowloris attack that starved the service: 6 clients dripping header
  // bytes. Health is answered throughout; each dripper is cut off with 408 once
  // the head timeout passes, and past the per-address bound refused with 429.
  void slowHeadersNeitherStarveHealthNorLastForever() {
    ServiceOptions options;
    options.port = 0;
    options.threads = 6;
    options.guard.max_connections_per_client = 4;
    options.guard.head_timeout = std::chrono::milliseconds(1500);
    RunningService running(bundle_, options);
    std::atomic<bool> done{false};
    std::vector<std::string> answers(6);
    std::vector<double> lasted(6);
    std::vector<std::thread> drippers;
    for (int i = 0; i < 6; ++i)
      drippers.emplace_back([&, i] {
        RawClient client("127.0.0.2", running.port);
        const auto start = Clock::now();
        const std::string head =
            "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        for (std::size_t b = 0; b < head.size() && !done && !client.server_spoke(); ++b) {
          client.send(head.substr(b, 1));
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        answers[static_cast<std::size_t>(i)] = client.read_all(1.0);
        lasted[static_cast<std::size_t>(i)] = seconds_since(start);
      });
    httplib::Client probe("127.0.0.1", running.port);
    probe.set_read_timeout(2, 0);
    probe.set_connection_timeout(2, 0);
    int answered = 0, asked = 0;
    double worst = 0;
    const auto start = Clock::now();
    while (seconds_since(start) < 2.5) {
      const auto asked_at = Clock::now();
      const auto health = probe.Get("/v1/health");
      ++asked;
      if (health && health->status == 200) ++answered;
      worst = std::max(worst, seconds_since(asked_at));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    done = true;
    for (auto& t : drippers) t.join();
    QVERIFY2(answered == asked, qPrintable(QString("health answered %1 of %2 times").arg(answered).arg(asked)));
    QVERIFY2(worst < 1.5, qPrintable(QString("a health check waited %1 s").arg(worst)));
    int timed_out = 0, refused = 0;
    for (std::size_t i = 0; i < answers.size(); ++i) {
      const int status = status_of(answers[i]);
      QVERIFY2(status == 408 || status == 429,
               qPrintable(QString::fromStdString("dripper got: " + answers[i].substr(0, 200))));
      if (status == 408) {
        ++timed_out;
        QVERIFY2(lasted[i] < 3.5, qPrintable(QString("a dripper was held %1 s").arg(lasted[i])));
        QVERIFY(answers[i].find("did not arrive within 1500 ms") != std::string::npos);
      } else {
        ++refused;
        QVERIFY(answers[i].find("too many connections from 127.0.0.2") != std::string::npos);
      }
    }
    QCOMPARE(timed_out, 4);
    QCOMPARE(refused, 2);
  }

  void aBadContentLengthIsRefusedAtOnce() {
    ServiceOptions options;
    options.port = 0;
    RunningService running(bundle_, options);
    for (const char* length : {"-5", "12abc", "99999999999999999999999"}) {
      RawClient client("127.0.0.1", running.port);
      const auto start = Clock::now();
      client.send(std::string("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: ") + length + "\r\n\r\n");
      const std::string answer = client.read_all(5.0);
      QCOMPARE(status_of(answer), 400);
      QVERIFY2(answer.find("Content-Length must be a whole number of bytes") != std::string::npos, answer.c_str());
      QVERIFY2(seconds_since(start) < 2.0, "answered only after waiting for the body");
    }
    RawClient client("127.0.0.1", running.port);
    client.send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\ncontent-length: 4\r\n\r\nabcd");
    QCOMPARE(status_of(client.read_all(5.0)), 400);
    RawClient huge("127.0.0.1", running.port);
    huge.send("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    QCOMPARE(status_of(huge.read_all(5.0)), 431);
  }

  // Stop before the accept loop has started (a test's service torn down at
  // once, Ctrl+C right after start): run() returns instead of serving for ever.
  void aStopBeforeRunningEndsTheRun() {
    ServiceOptions options;
    options.port = 0;
    PredictionService service(open_bundle(bundle_), options);
    service.bind();
    service.stop();
    auto ran = std::async(std::launch::async, [&] { service.run(); });
    QVERIFY2(ran.wait_for(std::chrono::seconds(30)) == std::future_status::ready, "run() went on after stop()");
  }

  void aSecondServiceCannotTakeAPortInUse() {
    ServiceOptions options;
    options.port = 0;
    RunningService first(bundle_, options);
    options.port = first.port;
    PredictionService second(open_bundle(bundle_), options);
    try {
      second.bind();
      QFAIL("a second service bound a port in use");
    } catch (const IoError& error) {
      QVERIFY2(std::string(error.what()).find("port " + std::to_string(first.port) + " is in use") != std::string::npos,
               error.what());
    }
  }

  // Nagle's algorithm held the body of every kept-alive answer until the
  // client's delayed ACK (40 ms on Linux): the median request took 44 ms.
  void keptAliveRequestsAreNotHeldBackByNagle() {
    ServiceOptions options;
    options.port = 0;
    RunningService running(bundle_, options);
    httplib::Client client("127.0.0.1", running.port);
    client.set_keep_alive(true);
    std::vector<double> seconds;
    for (int i = 0; i < 31; ++i) {
      const auto start = Clock::now();
      const auto health = client.Get("/v1/health");
      QVERIFY(health && health->status == 200);
      seconds.push_back(seconds_since(start));
    }
    std::nth_element(seconds.begin(), seconds.begin() + 15, seconds.end());
    QVERIFY2(seconds[15] < 0.030,
             qPrintable(QString("median %1 s per kept-alive request: the delayed-ACK stall").arg(seconds[15])));
  }

  void listensWithALargeBacklog() {
    ServiceOptions options;
    options.port = 0;
    RunningService running(bundle_, options);
    QProcess ss;  // iproute2's ss shows a listening socket's backlog as its Send-Q
    ss.start("ss", {"-Hltn", QString("sport = :%1").arg(running.port)});
    QVERIFY2(ss.waitForFinished(10000), "ss (iproute2) did not run");
    const QStringList fields = QString(ss.readAllStandardOutput()).simplified().split(' ');
    QVERIFY2(fields.size() >= 3, qPrintable(fields.join(' ')));
    QCOMPARE(fields[2].toInt(), options.guard.listen_backlog);
  }

  // Two idle connections hold both workers; a health check queued behind them
  // waits about a second, and /metrics counts that wait.
  void latencyIncludesTheWaitForAWorker() {
    ServiceOptions options;
    options.port = 0;
    options.threads = 2;
    options.guard.max_connections_per_client = 1;
    options.guard.keep_alive_idle = std::chrono::seconds(1);
    RunningService running(bundle_, options);
    RawClient idle_a("127.0.0.2", running.port), idle_b("127.0.0.3", running.port);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // both taken by the workers
    httplib::Client probe("127.0.0.1", running.port);
    probe.set_read_timeout(5, 0);
    // One connection for both requests: a second one from this client, arriving before the server has
    // closed the first, would be refused (one connection per client here) on a busy machine.
    probe.set_keep_alive(true);
    const auto start = Clock::now();
    const auto health = probe.Get("/v1/health");
    QVERIFY(health && health->status == 200);
    const double waited = seconds_since(start);
    const auto metrics = probe.Get("/metrics");
    QVERIFY(metrics && metrics->status == 200);
    const std::string marker = "cradle_request_duration_seconds_sum{endpoint=\"/v1/health\"} ";
    const auto at = metrics->body.find(marker);
    QVERIFY2(at != std::string::npos, metrics->body.c_str());
    const double recorded = std::atof(metrics->body.c_str() + at + marker.size());
    QVERIFY2(waited > 0.5 && recorded > 0.5 * waited,
             qPrintable(QString("the client waited %1 s, the histogram says %2 s").arg(waited).arg(recorded)));
  }
};

CRADLE_REGISTER_TEST(ServeGuardTest);

}  // namespace cradle::test

#include "serve_guard_test.moc"
