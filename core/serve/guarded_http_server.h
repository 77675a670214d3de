#pragma once
// An httplib::Server that slow or hostile clients cannot starve. httplib gives
// each connection a worker thread for as long as it lasts and only times out
// single reads, so a client sending its headers one byte at a time holds a
// worker indefinitely; four such clients stopped the whole service. This server
// reads each request's head (request line and headers) itself, under a
// deadline, before httplib parses it, and bounds the rest:
// - the head must arrive within `head_timeout` (408) and hold at most
//   `max_head_bytes` (431); a Content-Length that is not a plain number is 400
//   at once (a negative one used to hang until the read timeout);
// - the body must arrive at `min_body_bytes_per_second` or faster after that;
// - at most `max_connections_per_client` connections from one address at once
//   (429 beyond), so one client leaves the other workers to everyone else;
// - TCP_NODELAY on every connection (Nagle's algorithm meeting delayed ACKs
//   cost 44 ms per kept-alive request), a listen backlog of `listen_backlog`,
//   and no SO_REUSEPORT (httplib's default), so a second process cannot bind
//   the same port and silently take half of the requests.
// The guard's own refusals carry a JSON body {"error": "..."} like the
// service's, and `on_refused` hears of them (for the metrics).
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace cradle {

struct ConnectionGuard {
  std::chrono::milliseconds head_timeout{5000};
  std::size_t max_head_bytes = 16 << 10;
  double min_body_bytes_per_second = 64 << 10;
  // A client closing one connection and opening the next can briefly hold one
  // more than it uses: leave room above the parallelism a client really has.
  int max_connections_per_client = 16;
  int listen_backlog = 128;
  std::size_t keep_alive_requests = 100;    // requests on one connection before it is closed
  std::chrono::seconds keep_alive_idle{5};  // an idle kept-alive connection is closed after this
};

class GuardedHttpServer : public httplib::Server {
 public:
  GuardedHttpServer(ConnectionGuard guard, int worker_threads);

  // Binds host:port (0: any free port) and listens; the port. IoError naming the
  // port when another process has it, or the address when it is not this machine's.
  int bind_guarded(const std::string& host, int port);

  // When the request being handled on the calling thread arrived: its
  // connection's acceptance for the first request on it, its first byte for
  // later ones. Latency measured from here includes the wait for a worker.
  static std::chrono::steady_clock::time_point request_arrival();

  // Closes the listening socket, so listen_after_bind() returns (or, called
  // first, returns at once). httplib's stop() does nothing before the accept
  // loop has started: a stop that came first left the loop running for ever.
  void shut_down();

  std::function<void(int status)> on_refused;

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool take_client_slot(const std::string& address);
  void release_client_slot(const std::string& address);

  ConnectionGuard guard_;
  std::mutex clients_mutex_;
  std::map<std::string, int> connections_by_client_;
};

}  // namespace cradle
