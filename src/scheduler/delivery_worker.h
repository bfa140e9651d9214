// Drains the outbox: one thread with its own store connection POSTs each due
// row (tokens looked up in the app's secrets only now), records the attempt,
// and retries network errors, 5xx and 429 after a doubling delay; any other
// answer ends the row. Nothing else waits for it: a receiver that hangs costs
// this thread its request timeout, never a run or a deployment.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/delivery_records.h"
#include "util/expected.h"
#include "util/http_post.h"
#include "util/secret_box.h"

namespace slipway::scheduler {

struct RetryPolicy {
  std::chrono::milliseconds base{2000};      // the delay after the first failed attempt; doubles after each
  std::chrono::milliseconds cap{300000};     // no delay is longer
  int max_attempts = 8;                      // then the row is `failed`
  std::chrono::milliseconds timeout{10000};  // of one request (connecting: at most 5 s of it)
};

// The delay after FAILED_ATTEMPTS (>= 1) failed attempts: base * 2^(n-1), capped.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int failed_attempts);

// Whether an answer with HTTP STATUS (0: none came) is worth another attempt.
enum class AttemptVerdict { delivered, retry, give_up };
AttemptVerdict judge_attempt(int status);

// DELIVERY after one attempt that got STATUS (0: none) or ERROR, at NOW.
store::Delivery after_attempt(store::Delivery delivery, int status, const std::string& error,
                              const RetryPolicy& policy, store::TimeMs now);

class DeliveryWorker {
 public:
  using Send = std::function<util::Expected<util::HttpPostResponse>(const util::HttpPostRequest&,
                                                                    const std::atomic<bool>*)>;
  // Opens its own connection to the database at DATABASE_PATH and starts the thread. SECRETS
  // must outlive the worker.
  static util::Expected<std::unique_ptr<DeliveryWorker>> start(const std::string& database_path,
                                                               const util::SecretBox& secrets,
                                                               RetryPolicy policy,
                                                               Send send = util::http_post);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Something was added: look at the outbox now (thread-safe).
  void wake();
  // Aborts a request in flight (the row stays pending, for the next start) and joins the thread.
  void stop();

 private:
  struct State;
  explicit DeliveryWorker(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  std::thread thread_;
};

}  // namespace slipway::scheduler
