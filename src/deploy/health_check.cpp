// probe_once() and wait_healthy(): a minimal HTTP/1.1 client (GET, read the status line) on a
// non-blocking socket whose every wait is a poll() bounded by the attempt's deadline.
#include "deploy/health_check.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <thread>

#include "util/fd.h"

namespace slipway::deploy {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// One attempt may not take longer than this, so that a stop reason is noticed in time even when
// the app accepts connections but does not answer.
constexpr milliseconds max_attempt{5000};
// Most apps start within a second or two: probe often then (on loopback a probe
// costs next to nothing, and every wait between probes adds to a deploy or a
// rollback), then back off.
constexpr milliseconds quick_delay{25};
constexpr milliseconds quick_phase{2000};
constexpr milliseconds first_delay{100};
constexpr milliseconds max_delay{500};
constexpr std::size_t max_status_line = 8192;

std::string format_duration(milliseconds duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + "s";
  return std::to_string(duration.count()) + "ms";
}

// strerror() with a lower-case first letter: "connection refused".
std::string describe_errno(int error) {
  std::string text = std::strerror(error);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

// Waits for EVENTS on FD until DEADLINE: 1 ready, 0 timed out, -1 failed (errno set).
int wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return 0;
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left.count(), 60'000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready != 0) return ready < 0 ? -1 : 1;
  }
}

class Attempt {
 public:
  Attempt(const HealthProbe& probe, milliseconds timeout)
      : probe_(probe), timeout_(timeout), deadline_(Clock::now() + timeout) {}

  HealthResult run() {
    if (has_line_break(probe_.path) || has_line_break(probe_.host_header)) {
      return fail("invalid health check path or host: line breaks are not allowed");
    }
    if (auto problem = connect_socket()) return fail(*problem);
    if (probe_.path.empty()) return {true, "TCP connect to " + address()};
    if (auto problem = send_request()) return fail(*problem);
    return read_status();
  }

 private:
  static HealthResult fail(std::string detail) { return {false, std::move(detail)}; }

  std::string address() const {
    bool v6 = probe_.host.find(':') != std::string::npos;
    return (v6 ? "[" + probe_.host + "]" : probe_.host) + ":" + std::to_string(probe_.port);
  }
  std::string timed_out() const { return "timed out after " + format_duration(timeout_); }

  std::optional<std::string> connect_socket() {
    sockaddr_storage storage{};
    socklen_t size = 0;
    int family = AF_INET;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET, probe_.host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<std::uint16_t>(probe_.port));
      size = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, probe_.host.c_str(), &v6->sin6_addr) == 1) {
      family = AF_INET6;
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<std::uint16_t>(probe_.port));
      size = sizeof(sockaddr_in6);
    } else {
      return "invalid address '" + probe_.host + "' (an IP address is needed)";
    }
    if (probe_.port <= 0 || probe_.port > 65535) return "invalid port " + std::to_string(probe_.port);
    socket_ = util::Fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket_.valid()) return "socket: " + describe_errno(errno);
    if (::connect(socket_.get(), reinterpret_cast<sockaddr*>(&storage), size) == 0) return std::nullopt;
    if (errno != EINPROGRESS) return describe_errno(errno);
    int ready = wait_for(socket_.get(), POLLOUT, deadline_);
    if (ready == 0) return timed_out();
    if (ready < 0) return "poll: " + describe_errno(errno);
    int error = 0;
    socklen_t length = sizeof(error);
    if (::getsockopt(socket_.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) return describe_errno(error);
    return std::nullopt;
  }

  std::optional<std::string> send_request() {
    std::string path = probe_.path.starts_with('/') ? probe_.path : "/" + probe_.path;
    std::string host = probe_.host_header.empty() ? address() : probe_.host_header;
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host +
                          "\r\nUser-Agent: slipway-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    std::size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n = ::send(socket_.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n >= 0) {
        sent += static_cast<std::size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return "sending the request: " + describe_errno(errno);
      int ready = wait_for(socket_.get(), POLLOUT, deadline_);
      if (ready == 0) return timed_out();
      if (ready < 0) return "poll: " + describe_errno(errno);
    }
    return std::nullopt;
  }

  HealthResult read_status() {
    std::string received;
    char buffer[1024];
    while (received.find("\r\n") == std::string::npos && received.size() < max_status_line) {
      ssize_t n = ::recv(socket_.get(), buffer, sizeof(buffer), 0);
      if (n > 0) {
        received.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) {
        if (received.empty()) return fail("connection closed without an answer from " + probe_.path);
        break;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        return fail("reading the answer from " + probe_.path + ": " + describe_errno(errno));
      }
      int ready = wait_for(socket_.get(), POLLIN, deadline_);
      if (ready == 0) return fail(timed_out() + " waiting for an answer from " + probe_.path);
      if (ready < 0) return fail("poll: " + describe_errno(errno));
    }
    // "HTTP/1.1 200 OK"
    std::string_view line(received);
    line = line.substr(0, line.find("\r\n"));
    auto space = line.find(' ');
    if (!line.starts_with("HTTP/") || space == std::string_view::npos || line.size() < space + 4 ||
        !std::all_of(line.begin() + static_cast<std::ptrdiff_t>(space) + 1,
                     line.begin() + static_cast<std::ptrdiff_t>(space) + 4,
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return fail("not an HTTP answer from " + probe_.path);
    }
    std::string status(line.substr(space + 1, 3));
    return {status[0] == '2', "HTTP " + status + " from " + probe_.path};
  }

  const HealthProbe& probe_;
  milliseconds timeout_;
  Clock::time_point deadline_;
  util::Fd socket_;
};

}  // namespace

HealthResult probe_once(const HealthProbe& probe, milliseconds timeout) {
  return Attempt(probe, timeout).run();
}

HealthResult wait_healthy(const HealthProbe& probe, milliseconds timeout,
                          const std::function<std::optional<std::string>()>& stop_reason) {
  const auto start = Clock::now();
  auto deadline = start + timeout;
  auto delay = first_delay;
  std::optional<HealthResult> last;
  while (true) {
    if (stop_reason) {
      if (auto reason = stop_reason()) return {false, "stopped: " + *reason};
    }
    auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    last = probe_once(probe, std::min(left, max_attempt));
    if (last->healthy) return *last;
    left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    if (Clock::now() - start < quick_phase) {
      std::this_thread::sleep_for(std::min(quick_delay, left));
      continue;
    }
    std::this_thread::sleep_for(std::min(delay, left));
    delay = std::min(delay * 2, max_delay);
  }
  std::string detail = "timed out after " + format_duration(timeout);
  if (last) detail += " (last attempt: " + last->detail + ")";
  return {false, std::move(detail)};
}

util::Expected<HealthProbe> probe_for_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return util::unexpected("health URL " + std::string(url) + ": only http:// is supported");
  std::string_view rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string host_header(authority);
  HealthProbe probe;
  probe.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  std::string host;
  int port = 80;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return util::unexpected("health URL " + std::string(url) + ": unclosed [");
    host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (authority.starts_with(":")) port = std::atoi(std::string(authority.substr(1)).c_str());
  } else {
    const auto colon = authority.rfind(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = std::atoi(std::string(authority.substr(colon + 1)).c_str());
  }
  if (host.empty() || port <= 0 || port > 65535) {
    return util::unexpected("health URL " + std::string(url) + ": expected http://HOST[:PORT]/PATH");
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
    return util::unexpected("health URL " + std::string(url) + ": cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  char text[INET6_ADDRSTRLEN] = {};
  const void* address = found->ai_family == AF_INET6
                            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr)
                            : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr);
  ::inet_ntop(found->ai_family, address, text, sizeof text);
  ::freeaddrinfo(found);
  probe.host = text;
  probe.port = port;
  probe.host_header = host_header;
  return probe;
}

}  // namespace slipway::deploy
