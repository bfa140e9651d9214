// A small HTTP/1.1 server on 127.0.0.1 for end-to-end tests of outbound
// requests: it records every request (method, target, lower-case headers,
// body) and answers each as a test-supplied function says, optionally after a
// delay (a receiver that hangs). One thread, one connection at a time,
// `Connection: close`; stopped and joined by its destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace slipway::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct ReceiverReply {
  int status = 200;
  std::chrono::milliseconds delay{0};  // before answering (bounded by the receiver's stop)
};

class HttpReceiver {
 public:
  // ANSWER gets each request and its 0-based number; by default 200 at once.
  using Answer = std::function<ReceiverReply(const ReceivedRequest&, int index)>;
  explicit HttpReceiver(Answer answer = nullptr);
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The requests received so far.
  std::vector<ReceivedRequest> requests();
  // Waits until COUNT requests have arrived (or LIMIT passed); returns them all.
  std::vector<ReceivedRequest> wait_for(std::size_t count,
                                        std::chrono::seconds limit = std::chrono::seconds(30));

 private:
  void serve();
  void handle(int client);

  Answer answer_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace slipway::testing
