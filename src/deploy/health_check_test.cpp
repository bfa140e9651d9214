// Tests of the health check against a loopback server running on a thread of the test.
#include "deploy/health_check.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "deploy/port_allocator.h"
#include "util/fd.h"

namespace slipway::deploy {
namespace {

using namespace std::chrono_literals;

// Accepts connections on 127.0.0.1 until destroyed; ANSWER gives the reply to the Nth request
// (empty: say nothing and keep the connection open until the server stops).
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<std::string(int)> answer) : answer_(std::move(answer)) {
    listener_ = util::Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_.get(), 16) != 0 ||
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    std::vector<util::Fd> silent;  // connections kept open without an answer
    for (int count = 0; !stop_;) {
      pollfd entry{listener_.get(), POLLIN, 0};
      if (::poll(&entry, 1, 20) <= 0) continue;
      util::Fd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!connection.valid()) continue;
      std::string request;
      char buffer[1024];
      while (request.find("\r\n\r\n") == std::string::npos) {
        pollfd readable{connection.get(), POLLIN, 0};
        if (::poll(&readable, 1, 1000) <= 0) break;
        ssize_t n = ::read(connection.get(), buffer, sizeof(buffer));
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      std::string answer = answer_(count++);
      if (answer.empty()) {
        silent.push_back(std::move(connection));
      } else {
        util::write_all(connection.get(), answer.data(), answer.size());
      }
    }
  }

  std::function<std::string(int)> answer_;
  util::Fd listener_;
  int port_ = 0;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

std::string http(int status) {
  return "HTTP/1.1 " + std::to_string(status) + " Whatever\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

HealthProbe probe_for(int port, std::string path = "/healthz") {
  HealthProbe probe;
  probe.port = port;
  probe.path = std::move(path);
  return probe;
}

TEST(HealthCheck, TwoHundredIsHealthyAndTheRequestIsHttp11) {
  LoopbackServer server([](int) { return http(200); });
  HealthProbe probe = probe_for(server.port());
  probe.host_header = "hello.localhost";
  HealthResult result = probe_once(probe, 2s);
  EXPECT_TRUE(result.healthy);
  EXPECT_EQ(result.detail, "HTTP 200 from /healthz");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("GET /healthz HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_NE(requests[0].find("\r\nHost: hello.localhost\r\n"), std::string::npos);
  EXPECT_NE(requests[0].find("\r\nConnection: close\r\n"), std::string::npos);
}

TEST(HealthCheck, DefaultHostHeaderIsTheAddress) {
  LoopbackServer server([](int) { return http(204); });
  EXPECT_TRUE(probe_once(probe_for(server.port(), "/"), 2s).healthy);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos);
}

TEST(HealthCheck, ServerErrorsAndRedirectsAreUnhealthy) {
  LoopbackServer server([](int n) { return http(n == 0 ? 500 : 302); });
  HealthResult result = probe_once(probe_for(server.port()), 2s);
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "HTTP 500 from /healthz");
  result = probe_once(probe_for(server.port()), 2s);
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "HTTP 302 from /healthz");
}

TEST(HealthCheck, GarbageIsNotAnHttpAnswer) {
  LoopbackServer server([](int) { return std::string("SSH-2.0-OpenSSH\r\n"); });
  EXPECT_EQ(probe_once(probe_for(server.port()), 2s).detail, "not an HTTP answer from /healthz");
}

TEST(HealthCheck, NoListenerIsConnectionRefused) {
  int port = free_loopback_port({});
  HealthResult result = probe_once(probe_for(port), 2s);
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "connection refused");
}

TEST(HealthCheck, SlowAnswerTimesOut) {
  LoopbackServer server([](int) { return std::string(); });
  auto start = std::chrono::steady_clock::now();
  HealthResult result = probe_once(probe_for(server.port()), 300ms);
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "timed out after 300ms waiting for an answer from /healthz");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HealthCheck, WithoutAPathAConnectIsEnough) {
  LoopbackServer server([](int) { return std::string(); });
  HealthResult result = probe_once(probe_for(server.port(), ""), 2s);
  EXPECT_TRUE(result.healthy);
  EXPECT_EQ(result.detail, "TCP connect to 127.0.0.1:" + std::to_string(server.port()));
}

TEST(HealthCheck, RejectsBadAddressesAndHeaderInjection) {
  HealthProbe probe = probe_for(80);
  probe.host = "localhost";
  EXPECT_EQ(probe_once(probe, 1s).detail, "invalid address 'localhost' (an IP address is needed)");
  probe = probe_for(80, "/x\r\nX-Evil: 1");
  EXPECT_FALSE(probe_once(probe, 1s).healthy);
  EXPECT_EQ(probe_once(probe_for(0), 1s).detail, "invalid port 0");
}

TEST(WaitHealthy, RetriesUntilHealthy) {
  LoopbackServer server([](int n) { return http(n < 2 ? 503 : 200); });
  HealthResult result = wait_healthy(probe_for(server.port()), 5s);
  EXPECT_TRUE(result.healthy);
  EXPECT_EQ(result.detail, "HTTP 200 from /healthz");
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(WaitHealthy, TimesOutWithTheLastProblem) {
  LoopbackServer server([](int) { return http(500); });
  auto start = std::chrono::steady_clock::now();
  HealthResult result = wait_healthy(probe_for(server.port()), 400ms);
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "timed out after 400ms (last attempt: HTTP 500 from /healthz)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_GE(server.requests().size(), 2u);
}

TEST(WaitHealthy, StopsWhenToldWhy) {
  int port = free_loopback_port({});
  int asked = 0;
  auto start = std::chrono::steady_clock::now();
  HealthResult result = wait_healthy(probe_for(port), 10s, [&]() -> std::optional<std::string> {
    if (++asked < 3) return std::nullopt;
    return "the process exited with status 1";
  });
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "stopped: the process exited with status 1");
  EXPECT_EQ(asked, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HealthCheck, UrlsOfSshTargetsBecomeProbes) {
  auto plain = probe_for_url("http://127.0.0.1:8000/healthz");
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 8000);
  EXPECT_EQ(plain->path, "/healthz");
  EXPECT_EQ(plain->host_header, "127.0.0.1:8000");

  auto named = probe_for_url("http://localhost");
  ASSERT_TRUE(named) << named.error();
  EXPECT_TRUE(named->host == "127.0.0.1" || named->host == "::1") << named->host;
  EXPECT_EQ(named->port, 80);
  EXPECT_EQ(named->path, "/");
  EXPECT_EQ(named->host_header, "localhost");

  auto v6 = probe_for_url("http://[::1]:9000/up?full=1");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  EXPECT_EQ(v6->path, "/up?full=1");
  EXPECT_EQ(v6->host_header, "[::1]:9000");
}

TEST(HealthCheck, UnusableUrlsAreRefusedWithTheReason) {
  EXPECT_NE(probe_for_url("https://example.com/").error().find("only http://"), std::string::npos);
  EXPECT_NE(probe_for_url("http://:80/").error().find("expected http://HOST[:PORT]/PATH"), std::string::npos);
  EXPECT_NE(probe_for_url("http://a:0/").error().find("expected"), std::string::npos);
  EXPECT_NE(probe_for_url("http://[::1/").error().find("unclosed"), std::string::npos);
  EXPECT_NE(probe_for_url("http://no-such-host.invalid/").error().find("cannot resolve"), std::string::npos);
}

}  // namespace
}  // namespace slipway::deploy
