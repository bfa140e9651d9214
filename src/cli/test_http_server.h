// For the client's unit tests only: a scripted HTTP server on 127.0.0.1. Each
// connection it accepts gets the next scripted answer (raw bytes, status line
// included), then is closed; the requests received are kept for inspection.
// Raw sockets keep it independent of the client code it tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace slipway::cli::testing {

class TestHttpServer {
 public:
  explicit TestHttpServer(std::vector<std::string> answers) : answers_(std::move(answers)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("test server: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~TestHttpServer() {
    stop_ = true;
    thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Blocks until every answer was given (or a second passed), then returns the requests.
  std::vector<std::string> requests() {
    for (int i = 0; i < 100 && !done_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    for (const std::string& answer : answers_) {
      int client = accept_one();
      if (client < 0) return;
      std::string request = read_request(client);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      for (std::size_t sent = 0; sent < answer.size();) {
        ssize_t n = ::send(client, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(client);
    }
    // Later connections are refused, as by a daemon that went away.
    ::close(listener_);
    listener_ = -1;
    done_ = true;
  }

  int accept_one() {
    while (!stop_) {
      pollfd poller{listener_, POLLIN, 0};
      if (::poll(&poller, 1, 50) > 0) return ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    }
    return -1;
  }

  static std::string read_request(int client) {
    std::string request;
    char buffer[4096];
    std::size_t body_wanted = 0;
    for (;;) {
      auto header_end = request.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        auto length_at = request.find("Content-Length: ");
        if (length_at != std::string::npos && length_at < header_end) {
          body_wanted = std::stoul(request.substr(length_at + 16));
        }
        if (request.size() >= header_end + 4 + body_wanted) return request;
      }
      ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return request;
      request.append(buffer, static_cast<std::size_t>(n));
    }
  }

  std::vector<std::string> answers_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// An answer with a JSON (or any) body and the right Content-Length.
inline std::string http_answer(int status, const std::string& body,
                               const std::string& content_type = "application/json") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace slipway::cli::testing
