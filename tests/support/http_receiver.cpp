#include "http_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace slipway::testing {

namespace {

constexpr std::size_t kMaxRequest = 1 << 20;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

HttpReceiver::HttpReceiver(Answer answer) : answer_(std::move(answer)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (listener_ >= 0) ::close(listener_);
    throw std::runtime_error("http receiver: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

HttpReceiver::~HttpReceiver() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listener_);
}

std::vector<ReceivedRequest> HttpReceiver::requests() {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<ReceivedRequest> HttpReceiver::wait_for(std::size_t count, std::chrono::seconds limit) {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, limit, [&] { return requests_.size() >= count; });
  return requests_;
}

void HttpReceiver::serve() {
  while (!stop_) {
    pollfd poller{listener_, POLLIN, 0};
    if (::poll(&poller, 1, 50) <= 0) continue;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    handle(client);
    ::close(client);
  }
}

void HttpReceiver::handle(int client) {
  std::string data;
  char buffer[8192];
  std::size_t header_end = std::string::npos;
  std::size_t body_length = 0;
  // Read the head and a Content-Length body, each wait bounded so a stop is never held up.
  for (int waits = 0; waits < 200 && !stop_;) {
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        auto head = lower(data.substr(0, header_end));
        auto at = head.find("\r\ncontent-length:");
        if (at != std::string::npos) body_length = std::stoul(head.substr(at + 17));
      }
    }
    if (header_end != std::string::npos && data.size() >= header_end + 4 + body_length) break;
    pollfd poller{client, POLLIN, 0};
    if (::poll(&poller, 1, 50) <= 0) {
      ++waits;
      continue;
    }
    ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
    if (n <= 0 || data.size() > kMaxRequest) return;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  if (header_end == std::string::npos) return;
  ReceivedRequest request;
  std::size_t line_end = data.find("\r\n");
  std::string request_line = data.substr(0, line_end);
  auto first_space = request_line.find(' ');
  auto second_space = request_line.find(' ', first_space + 1);
  request.method = request_line.substr(0, first_space);
  request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
  for (std::size_t at = line_end + 2; at < header_end;) {
    auto end = data.find("\r\n", at);
    if (end == std::string::npos || end > header_end) end = header_end;
    std::string line = data.substr(at, end - at);
    auto colon = line.find(':');
    if (colon != std::string::npos)
      request.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
    at = end + 2;
  }
  request.body = data.substr(header_end + 4, body_length);
  int index = 0;
  {
    std::lock_guard lock(mutex_);
    index = static_cast<int>(requests_.size());
    requests_.push_back(request);
  }
  arrived_.notify_all();
  ReceiverReply reply = answer_ ? answer_(request, index) : ReceiverReply{};
  const auto until = std::chrono::steady_clock::now() + reply.delay;
  while (!stop_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (stop_) return;
  std::string answer =
      "HTTP/1.1 " + std::to_string(reply.status) +
      " X\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
  ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
}

}  // namespace slipway::testing
