#include "core/serve/guarded_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/serve/service_requests.h"

namespace cradle {
namespace {

using Clock = std::chrono::steady_clock;

thread_local Clock::time_point t_accepted = Clock::now();
thread_local Clock::time_point t_arrival = Clock::now();

// Milliseconds until `deadline`, at least 0 (poll's timeout).
int milliseconds_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1000 * 3600));
}

bool wait_for(socket_t sock, short events, int milliseconds) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, milliseconds);
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

// The address of a socket's peer (`peer`) or its own end, as text, and its port.
std::string socket_address(socket_t sock, bool peer, int* port = nullptr) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  const int rc = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&address), &length)
                      : ::getsockname(sock, reinterpret_cast<sockaddr*>(&address), &length);
  if (port) *port = 0;
  if (rc != 0) return "unknown";
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    if (port) *port = ntohs(in->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    if (port) *port = ntohs(in6->sin6_port);
  }
  return text;
}

// The connection's bytes for httplib: reads come from a buffer that the guard
// fills with the request head first, and every read and write is bounded by
// the current deadline.
class GuardedSocketStream final : public httplib::Stream {
 public:
  GuardedSocketStream(socket_t sock, std::chrono::milliseconds write_timeout)
      : sock_(sock), write_timeout_(write_timeout) {}

  enum class Head { Complete, Closed, TimedOut, TooLarge };

  // Waits up to `idle` for the next request's first byte, giving up early once `keep_going` says so.
  bool wait_for_request(std::chrono::milliseconds idle, const std::function<bool()>& keep_going) const {
    if (buffered() > 0) return true;
    const auto until = Clock::now() + idle;
    while (keep_going() && Clock::now() < until)
      if (wait_for(sock_, POLLIN, std::min(200, milliseconds_until(until)))) return true;
    return false;
  }

  // Reads until the buffer holds a whole head (up to its blank line) or the deadline passes.
  Head read_head(Clock::time_point deadline, std::size_t max_bytes) {
    for (;;) {
      if (const auto end = head_end(); end != std::string::npos)
        return end - position_ > max_bytes ? Head::TooLarge : Head::Complete;
      if (buffered() > max_bytes) return Head::TooLarge;
      if (!wait_for(sock_, POLLIN, milliseconds_until(deadline))) return Head::TimedOut;
      if (fill() <= 0) return Head::Closed;
    }
  }
  std::string head() const {
    const auto end = head_end();
    return end == std::string::npos ? std::string() : buffer_.substr(position_, end - position_);
  }
  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }

  bool is_readable() const override { return buffered() > 0 || wait_for(sock_, POLLIN, milliseconds_until(deadline_)); }
  bool is_writable() const override { return wait_for(sock_, POLLOUT, static_cast<int>(write_timeout_.count())); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (buffered() == 0) {
      if (!wait_for(sock_, POLLIN, milliseconds_until(deadline_))) return -1;  // too slow: the request is cut off
      const ssize_t n = fill();
      if (n <= 0) return n;
    }
    const std::size_t n = std::min(size, buffered());
    std::memcpy(ptr, buffer_.data() + position_, n);
    position_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, std::size_t size) override {
    std::size_t written = 0;
    while (written < size) {
      if (!is_writable()) return written > 0 ? static_cast<ssize_t>(written) : -1;
      const ssize_t n = ::send(sock_, ptr + written, size - written, MSG_NOSIGNAL);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return written > 0 ? static_cast<ssize_t>(written) : -1;
      written += static_cast<std::size_t>(n);
    }
    return static_cast<ssize_t>(written);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { ip = socket_address(sock_, true, &port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { ip = socket_address(sock_, false, &port); }
  socket_t socket() const override { return sock_; }

 private:
  std::size_t buffered() const { return buffer_.size() - position_; }

  // The blank line ending the head, past it; npos while it has not arrived.
  std::size_t head_end() const {
    for (std::size_t i = buffer_.find('\n', position_); i != std::string::npos; i = buffer_.find('\n', i + 1)) {
      if (i + 1 < buffer_.size() && buffer_[i + 1] == '\n') return i + 2;
      if (i + 2 < buffer_.size() && buffer_[i + 1] == '\r' && buffer_[i + 2] == '\n') return i + 3;
    }
    return std::string::npos;
  }

  ssize_t fill() {
    if (position_ > 0 && position_ == buffer_.size()) {
      buffer_.clear();
      position_ = 0;
    }
    // Acknowledge at once what has arrived: a client that writes its head and
    // body separately with Nagle's algorithm on (cpp-httplib's, for one) waits
    // for this ACK before sending the body, and a delayed ACK costs it 40 ms a
    // request. Not permanent in the kernel, so re-armed before every read.
    const int yes = 1;
    ::setsockopt(sock_, IPPROTO_TCP, TCP_QUICKACK, &yes, sizeof yes);
    char chunk[16384];
    for (;;) {
      const ssize_t n = ::recv(sock_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
      return n;
    }
  }

  socket_t sock_;
  std::chrono::milliseconds write_timeout_;
  Clock::time_point deadline_ = Clock::now();
  std::string buffer_;
  std::size_t position_ = 0;
};

const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    default: return "Error";
  }
}

void answer_and_close(httplib::Stream& stream, int status, const std::string& message) {
  const std::string body = nlohmann::json{{"error", message}}.dump() + "\n";
  const std::string response = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
                               "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                               "\r\nConnection: close\r\n\r\n" + body;
  stream.write(response.data(), response.size());
}

}  // namespace

// httplib's pool, with each connection's acceptance time handed to the worker that takes it.
class TimedThreadPool final : public httplib::TaskQueue {
 public:
  explicit TimedThreadPool(std::size_t threads) : pool_(threads) {}
  void enqueue(std::function<void()> fn) override {
    pool_.enqueue([fn = std::move(fn), accepted = Clock::now()] {
      t_accepted = accepted;
      fn();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
};

GuardedHttpServer::GuardedHttpServer(ConnectionGuard guard, int worker_threads) : guard_(guard) {
  new_task_queue = [worker_threads] { return new TimedThreadPool(static_cast<std::size_t>(worker_threads)); };
  set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);  // restart at once after a stop; never SO_REUSEPORT
  });
  set_keep_alive_max_count(guard_.keep_alive_requests);
  set_keep_alive_timeout(guard_.keep_alive_idle.count());
}

int GuardedHttpServer::bind_guarded(const std::string& host, int port) {
  errno = 0;
  const int bound = port == 0 ? bind_to_any_port(host) : (bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    if (errno == EADDRINUSE)
      throw IoError("port " + std::to_string(port) +
                    " is in use (another service is listening there); choose another --port");
    throw IoError(host + ":" + std::to_string(port) + ": cannot listen there (" +
                  (errno ? std::strerror(errno) : "not this machine's address") + ")");
  }
  ::listen(svr_sock_, guard_.listen_backlog);  // httplib listens with a backlog of 5; a second listen() raises it
  return bound;
}

Clock::time_point GuardedHttpServer::request_arrival() { return t_arrival; }

bool GuardedHttpServer::take_client_slot(const std::string& address) {
  std::lock_guard<std::mutex> lock(clients_mutex_);
  int& count = connections_by_client_[address];
  if (count >= guard_.max_connections_per_client) {
    if (count == 0) connections_by_client_.erase(address);
    return false;
  }
  ++count;
  return true;
}

void GuardedHttpServer::shut_down() {
  const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
  if (sock == INVALID_SOCKET) return;
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

void GuardedHttpServer::release_client_slot(const std::string& address) {
  std::lock_guard<std::mutex> lock(clients_mutex_);
  const auto found = connections_by_client_.find(address);
  if (found != connections_by_client_.end() && --found->second <= 0) connections_by_client_.erase(found);
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  const Clock::time_point accepted = t_accepted;
  int yes = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  GuardedSocketStream stream(sock, std::chrono::milliseconds(1000 * write_timeout_sec_ + write_timeout_usec_ / 1000));
  const std::string client = socket_address(sock, true);
  const auto refuse = [&](int status, const std::string& message) {
    answer_and_close(stream, status, message);
    if (on_refused) on_refused(status);
  };
  bool ok = false;
  if (!take_client_slot(client)) {
    refuse(429, "too many connections from " + client + " (at most " +
                    std::to_string(guard_.max_connections_per_client) + " at once); close some or retry later");
  } else {
    const auto running = [this] { return svr_sock_ != INVALID_SOCKET; };
    for (std::size_t served = 0; served < guard_.keep_alive_requests; ++served) {
      if (!stream.wait_for_request(guard_.keep_alive_idle, running)) break;
      const Clock::time_point arrival = served == 0 ? accepted : Clock::now();
      const auto head = stream.read_head(arrival + guard_.head_timeout, guard_.max_head_bytes);
      if (head == GuardedSocketStream::Head::TimedOut) {
        refuse(408, "the request line and headers did not arrive within " +
                        std::to_string(guard_.head_timeout.count()) + " ms");
        break;
      }
      if (head == GuardedSocketStream::Head::TooLarge) {
        refuse(431, "the request line and headers are over " + std::to_string(guard_.max_head_bytes) + " bytes");
        break;
      }
      if (head == GuardedSocketStream::Head::Closed) break;
      const std::string text = stream.head();
      if (const std::string problem = request_head_problem(text); !problem.empty()) {
        refuse(400, problem);
        break;
      }
      const auto declared = header_values(text, "content-length");
      const double body_bytes =
          declared.empty() ? static_cast<double>(payload_max_length_) : std::stod(declared.front());
      stream.set_deadline(
          Clock::now() + guard_.head_timeout +
          std::chrono::milliseconds(static_cast<long long>(1000 * body_bytes / guard_.min_body_bytes_per_second)));
      t_arrival = arrival;
      bool connection_closed = false;
      ok = process_request(stream, served + 1 == guard_.keep_alive_requests, connection_closed, nullptr);
      if (!ok || connection_closed) break;
    }
    release_client_slot(client);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace cradle
