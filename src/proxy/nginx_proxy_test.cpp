// Tests of NginxProxy against the real nginx: routing by Host to a loopback
// backend, static sites with the SPA fallback, 404 and 503 answers, graceful
// reloads, refused configurations that leave the running one alone, adopting
// a running master, stopping it, and nginx's own message when it cannot start.
#include "proxy/nginx_proxy.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "proxy/nginx_processes.h"
#include "util/child_process.h"
#include "util/error.h"
#include "util/fd.h"

namespace slipway::proxy {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

bool nginx_installed() {
  return ::access("/usr/sbin/nginx", X_OK) == 0 || ::access("/usr/bin/nginx", X_OK) == 0;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

util::Fd listen_on_loopback(int port) {
  util::Fd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) util::throw_errno("socket");
  int one = 1;
  ::setsockopt(sock.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) util::throw_errno("bind");
  if (::listen(sock.get(), 64) != 0) util::throw_errno("listen");
  return sock;
}

int port_of(const util::Fd& sock) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(sock.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    util::throw_errno("getsockname");
  return ntohs(addr.sin_port);
}

int free_port() { return port_of(listen_on_loopback(0)); }

void set_timeouts(int fd) {
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

struct Response {
  int status = 0;
  std::string body;
};

// One blocking HTTP/1.1 request with Connection: close.
Response http_get(int port, const std::string& host, const std::string& path) {
  util::Fd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) util::throw_errno("socket");
  set_timeouts(sock.get());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    util::throw_errno("connect");
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  util::write_all(sock.get(), request.data(), request.size());
  std::string raw;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(sock.get(), buffer, sizeof buffer)) > 0) raw.append(buffer, static_cast<std::size_t>(n));
  if (n < 0) util::throw_errno("read response");
  Response response;
  if (raw.rfind("HTTP/1.1 ", 0) == 0) response.status = std::stoi(raw.substr(9, 3));
  auto end = raw.find("\r\n\r\n");
  if (end != std::string::npos) response.body = raw.substr(end + 4);
  return response;
}

// A loopback HTTP server on a thread that answers every request with what it saw.
class TestBackend {
 public:
  TestBackend() : listener_(listen_on_loopback(0)), thread_([this] { serve(); }) {}
  ~TestBackend() {
    ::shutdown(listener_.get(), SHUT_RDWR);  // wakes accept() up
    thread_.join();
  }
  int port() const { return port_of(listener_); }

 private:
  void serve() {
    while (true) {
      int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;
      }
      util::Fd conn(fd);
      set_timeouts(fd);
      std::string request;
      char buffer[4096];
      ssize_t n = 0;
      while (request.find("\r\n\r\n") == std::string::npos && (n = ::read(fd, buffer, sizeof buffer)) > 0) {
        request.append(buffer, static_cast<std::size_t>(n));
      }
      std::string first_line = request.substr(0, request.find("\r\n"));
      std::string host;
      auto at = request.find("\r\nHost: ");
      if (at != std::string::npos) host = request.substr(at + 8, request.find("\r\n", at + 8) - at - 8);
      std::string body = "backend saw " + first_line + " for " + host + "\n";
      std::string response =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\nConnection: close\r\n\r\n" + body;
      try {
        util::write_all(fd, response.data(), response.size());
      } catch (const util::Error&) {
      }
    }
  }

  util::Fd listener_;
  std::thread thread_;
};

class NginxProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!nginx_installed()) GTEST_SKIP() << "nginx is not installed";
    char pattern[] = "/tmp/slipway-nginx-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    prefix_ = root_ + "/home dir/nginx";  // a space, to exercise quoting
    port_ = free_port();
  }

  // Ends, by pid, whatever master a test left running, even when it failed.
  void TearDown() override {
    if (root_.empty()) return;
    if (auto master = find_master(prefix_ + "/nginx.pid", prefix_)) {
      long long start_time = util::process_start_time(*master);
      ::kill(-*master, SIGKILL);
      for (int i = 0; i < 500 && !process_ended(*master, start_time); ++i) std::this_thread::sleep_for(10ms);
    }
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  ProxySettings settings() const {
    ProxySettings s;
    s.prefix = prefix_;
    s.listen = "127.0.0.1:" + std::to_string(port_);
    return s;
  }

  NginxProxy open_proxy() const {
    auto proxy = NginxProxy::open(settings());
    if (!proxy) throw util::Error(proxy.error());
    return std::move(proxy).value();
  }

  static Site proxied(const std::string& app, const std::string& host, std::vector<int> ports) {
    Site site;
    site.app = app;
    site.environment = "production";
    site.server_names = {host};
    site.upstream_ports = std::move(ports);
    return site;
  }

  Response get(const std::string& host, const std::string& path = "/") const {
    return http_get(port_, host, path);
  }

  std::string root_;
  std::string prefix_;
  int port_ = 0;
};

TEST_F(NginxProxyTest, RoutesHostsToSitesAndAnswersTheRest) {
  TestBackend backend;
  std::string static_dir = root_ + "/static site";
  fs::create_directories(static_dir + "/assets");
  std::ofstream(static_dir + "/index.html") << "<h1>index</h1>\n";
  std::ofstream(static_dir + "/assets/app.js") << "console.log(1)\n";

  Site docs;
  docs.app = "docs";
  docs.environment = "production";
  docs.server_names = {"docs.localhost"};
  docs.static_root = static_dir;

  // The longest host name there is must fit nginx's server name hash.
  std::string longest = std::string(62, 'a') + "." + std::string(61, 'b') + "." + std::string(61, 'c') + "." +
                        std::string(63, 'd') + ".ab";
  Site hello = proxied("hello", "hello.localhost", {backend.port()});
  hello.server_names.push_back(longest);

  NginxProxy proxy = open_proxy();
  proxy.start({hello, docs, proxied("down", "down.localhost", {})});
  ASSERT_TRUE(proxy.master_pid());

  Response proxied_response = get("hello.localhost", "/path?q=1");
  EXPECT_EQ(proxied_response.status, 200);
  EXPECT_EQ(proxied_response.body, "backend saw GET /path?q=1 HTTP/1.1 for hello.localhost\n");

  EXPECT_EQ(get(longest).status, 200);

  Response unknown = get("other.localhost");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, "no app is served at this host\n");

  EXPECT_EQ(get("docs.localhost", "/assets/app.js").body, "console.log(1)\n");
  Response fallback = get("docs.localhost", "/some/client/route");
  EXPECT_EQ(fallback.status, 200);
  EXPECT_EQ(fallback.body, "<h1>index</h1>\n");
  EXPECT_EQ(get("docs.localhost").body, "<h1>index</h1>\n");

  Response down = get("down.localhost");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.body, "app is not running\n");

  proxy.stop();
}

TEST_F(NginxProxyTest, ApplyReloadsAndARefusedConfigurationLeavesTheRunningOneAlone) {
  TestBackend backend;
  NginxProxy proxy = open_proxy();
  proxy.start({proxied("hello", "hello.localhost", {backend.port()})});
  auto master = proxy.master_pid();
  ASSERT_TRUE(master);
  EXPECT_EQ(get("two.localhost").status, 404);

  // No wait: once apply returns, new connections see the new sites.
  auto applied = proxy.apply({proxied("hello", "hello.localhost", {backend.port()}),
                              proxied("two", "two.localhost", {backend.port()})});
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_EQ(get("two.localhost").status, 200);
  EXPECT_EQ(proxy.master_pid(), master);

  std::string config = slurp(prefix_ + "/conf/nginx.conf");
  auto refused = proxy.apply_config(config + "this_is_not_a_directive on;\n");
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error(), HasSubstr("nginx refused the configuration"));
  EXPECT_THAT(refused.error(), HasSubstr("unknown directive \"this_is_not_a_directive\""));
  EXPECT_EQ(slurp(prefix_ + "/conf/nginx.conf"), config);
  EXPECT_FALSE(fs::exists(prefix_ + "/conf/nginx.conf.new"));
  EXPECT_EQ(get("two.localhost").status, 200);
  EXPECT_EQ(proxy.master_pid(), master);

  auto bad_site = proxy.apply({proxied("hello", "a;b", {backend.port()})});
  ASSERT_FALSE(bad_site);
  EXPECT_THAT(bad_site.error(), HasSubstr("invalid domain 'a;b'"));
  EXPECT_EQ(get("two.localhost").status, 200);

  proxy.stop();
}

TEST_F(NginxProxyTest, AnotherProxyOnTheSamePrefixAdoptsTheRunningMaster) {
  TestBackend backend;
  NginxProxy first = open_proxy();
  first.start({proxied("hello", "hello.localhost", {backend.port()})});
  auto master = first.master_pid();
  ASSERT_TRUE(master);

  NginxProxy second = open_proxy();
  EXPECT_EQ(second.master_pid(), master);
  second.start({proxied("two", "two.localhost", {backend.port()})});
  EXPECT_EQ(second.master_pid(), master);
  EXPECT_EQ(get("two.localhost").status, 200);
  EXPECT_EQ(get("hello.localhost").status, 404);

  second.stop();
  EXPECT_FALSE(first.master_pid());
}

TEST_F(NginxProxyTest, StopEndsTheMasterAndItsWorkers) {
  NginxProxy proxy = open_proxy();
  proxy.start({});
  auto master = proxy.master_pid();
  ASSERT_TRUE(master);
  long long start_time = util::process_start_time(*master);
  auto workers = active_workers(*master);
  ASSERT_FALSE(workers.empty());
  std::map<pid_t, long long> worker_starts;
  for (pid_t pid : workers) worker_starts[pid] = util::process_start_time(pid);

  proxy.stop();
  EXPECT_TRUE(process_ended(*master, start_time));
  for (auto [pid, started] : worker_starts) EXPECT_TRUE(process_ended(pid, started)) << pid;
  EXPECT_FALSE(proxy.master_pid());
  EXPECT_FALSE(fs::exists(prefix_ + "/nginx.pid"));
  proxy.stop();  // nothing left to stop: no error
}

TEST_F(NginxProxyTest, StartReportsNginxsMessageWhenThePortIsTaken) {
  util::Fd taken = listen_on_loopback(port_);
  NginxProxy proxy = open_proxy();
  try {
    proxy.start({});
    ADD_FAILURE() << "nginx started on a port that is taken";
  } catch (const util::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("Address already in use"));
  }
  EXPECT_FALSE(proxy.master_pid());
}

TEST(NginxProxyOpenTest, RefusesAMissingBinaryAndABadListenAddress) {
  ProxySettings s;
  s.prefix = "/tmp/slipway-nginx-open-test";
  s.nginx_binary = "/nonexistent/nginx";
  auto missing = NginxProxy::open(s);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error(), HasSubstr("nginx not found"));

  s.nginx_binary = "nginx";
  s.listen = "127.0.0.1:80;";
  auto bad_listen = NginxProxy::open(s);
  ASSERT_FALSE(bad_listen);
  EXPECT_THAT(bad_listen.error(), HasSubstr("invalid listen address"));
}

}  // namespace
}  // namespace slipway::proxy
