// Requests in a loop on a thread of its own while a deployment happens: how
// many, and how many failed (bounded: 20,000 requests or 90 s).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "test_http.h"

namespace slipway::testing {

// Sends requests through nginx until stopped (bounded in count and time) and
// counts every answer that is not a 200.
class LoadGenerator {
 public:
  explicit LoadGenerator(std::function<HttpResult()> get) : get_(std::move(get)) {
    thread_ = std::thread([this] {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
      while (!stop_ && requests_ < 20000 && std::chrono::steady_clock::now() < deadline) {
        try {
          auto result = get_();
          if (result.status != 200) {
            ++failures_;
            last_failure_ = std::to_string(result.status) + " " + result.body;
          } else {
            last_body_ = result.body;
          }
        } catch (const std::exception& e) {
          ++failures_;
          last_failure_ = e.what();
        }
        ++requests_;
      }
    });
  }
  ~LoadGenerator() { finish(); }
  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int requests() const { return requests_; }
  int failures() const { return failures_; }
  std::string last_failure() const { return last_failure_; }
  std::string last_body() const { return last_body_; }

 private:
  std::function<HttpResult()> get_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> failures_{0};
  std::string last_failure_;
  std::string last_body_;
};

}  // namespace slipway::testing
