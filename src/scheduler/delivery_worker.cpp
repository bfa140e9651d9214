#include "scheduler/delivery_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "deploy/app_config.h"
#include "scheduler/commit_status.h"
#include "scheduler/outbox.h"
#include "store/sqlite_store.h"
#include "util/clock.h"

namespace slipway::scheduler {

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int failed_attempts) {
  auto delay = policy.base;
  for (int i = 1; i < failed_attempts && delay < policy.cap; ++i) delay *= 2;
  return std::min(delay, policy.cap);
}

AttemptVerdict judge_attempt(int status) {
  if (status >= 200 && status < 300) return AttemptVerdict::delivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return AttemptVerdict::retry;
  return AttemptVerdict::give_up;  // other 4xx (and redirects, which are not followed): asking again changes
                                   // nothing
}

store::Delivery after_attempt(store::Delivery delivery, int status, const std::string& error,
                              const RetryPolicy& policy, store::TimeMs now) {
  ++delivery.attempts;
  delivery.response_status = status;
  delivery.last_error = error;
  switch (judge_attempt(status)) {
    case AttemptVerdict::delivered:
      delivery.status = store::DeliveryStatus::delivered;
      delivery.last_error.clear();
      delivery.finished_at = now;
      break;
    case AttemptVerdict::retry:
      if (delivery.attempts >= policy.max_attempts) {
        delivery.status = store::DeliveryStatus::failed;
        delivery.finished_at = now;
      } else {
        delivery.next_attempt_at = now + retry_delay(policy, delivery.attempts).count();
      }
      break;
    case AttemptVerdict::give_up:
      delivery.status = store::DeliveryStatus::failed;
      delivery.finished_at = now;
      break;
  }
  return delivery;
}

struct DeliveryWorker::State {
  std::unique_ptr<store::Store> store;
  const util::SecretBox& secrets;
  RetryPolicy policy;
  Send send;
  std::mutex mutex;
  std::condition_variable changed;
  bool woken = false;
  std::atomic<bool> stopping{false};

  State(std::unique_ptr<store::Store> s, const util::SecretBox& box, RetryPolicy p, Send f)
      : store(std::move(s)), secrets(box), policy(p), send(std::move(f)) {}

  void run();
  void attempt(store::Delivery delivery);
  void wait_until(store::TimeMs deadline);
};

namespace {

constexpr int kBatch = 20;
constexpr store::TimeMs kIdleCheckMs = 5000;  // a bound on sleeping, should a wake-up be missed

std::string first_line(const std::string& text, std::size_t max) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() > max ? line.substr(0, max) + "..." : line;
}

}  // namespace

void DeliveryWorker::State::run() {
  while (!stopping) {
    store::TimeMs next = util::now_ms() + kIdleCheckMs;
    try {
      auto due = store->due_deliveries(util::now_ms(), kBatch);
      for (auto& delivery : due) {
        if (stopping) return;
        attempt(std::move(delivery));
      }
      if (!due.empty()) continue;
      if (auto at = store->next_delivery_at()) next = std::min(next, *at);
    } catch (const std::exception& e) {
      spdlog::error("deliveries: {}", e.what());  // the store is busy or failing: try again later
    }
    wait_until(next);
  }
}

void DeliveryWorker::State::wait_until(store::TimeMs deadline) {
  std::unique_lock lock(mutex);
  const auto wait = std::chrono::milliseconds(std::max<store::TimeMs>(0, deadline - util::now_ms()));
  changed.wait_for(lock, wait, [this] { return woken || stopping.load(); });
  woken = false;
}

void DeliveryWorker::State::attempt(store::Delivery delivery) {
  util::HttpPostRequest request;
  request.url = delivery.url;
  request.body = delivery.body;
  request.timeout = policy.timeout;
  request.connect_timeout = std::min(policy.timeout, std::chrono::milliseconds(5000));
  auto headers = nlohmann::json::parse(delivery.headers, nullptr, false);
  if (headers.is_object()) {
    for (const auto& [name, value] : headers.items()) {
      if (value.is_string()) request.headers.emplace_back(name, value.get<std::string>());
    }
  }
  const std::string what = "delivery " + std::to_string(delivery.id) + " (" + delivery.kind + " " +
                           delivery.event + " to " + delivery_target(delivery) + ")";
  auto give_up = [&](const std::string& reason) {
    // Nothing to retry with: the app lacks the secret. Setting it later does not revive the row.
    auto ended = after_attempt(delivery, 400, reason, policy, util::now_ms());
    ended.response_status = 0;
    store->update_delivery(ended);
    spdlog::warn("{}: failed: {}", what, reason);
  };
  if (!delivery.url_secret.empty()) {
    auto url = deploy::find_secret(store->latest_config(delivery.project_id), secrets, delivery.url_secret);
    if (!url) return give_up(url.error());
    if (url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0) {
      return give_up("secret " + delivery.url_secret + " is not an http(s) URL");
    }
    request.url = *url;
  }
  if (!delivery.auth_secret.empty()) {
    auto token =
        deploy::find_secret(store->latest_config(delivery.project_id), secrets, delivery.auth_secret);
    if (!token) return give_up(token.error());
    request.headers.push_back(auth_header(delivery.auth_scheme, *token));
  }
  auto response = send(request, &stopping);
  if (stopping && !response) return;  // aborted by the stop: stays pending for the next start, not counted
  const int status = response ? response->status : 0;
  std::string error;
  if (!response) {
    error = response.error();
  } else if (judge_attempt(status) != AttemptVerdict::delivered) {
    // Only the status is kept (the API shows it): what a receiver answers stays in the daemon's
    // log, so that a URL pointing inside the network cannot be used to read that network.
    error = "HTTP " + std::to_string(status);
    if (!response->body.empty()) spdlog::info("{}: HTTP {} answered: {}", what, status, first_line(response->body, 200));
  }
  auto updated = after_attempt(delivery, status, error, policy, util::now_ms());
  if (!store->update_delivery(updated)) return;  // superseded while it was being sent
  if (updated.status == store::DeliveryStatus::delivered) {
    spdlog::info("{}: delivered (HTTP {}, attempt {})", what, status, updated.attempts);
  } else if (updated.status == store::DeliveryStatus::failed) {
    spdlog::warn("{}: failed after {} attempt(s): {}", what, updated.attempts, error);
  } else {
    spdlog::info("{}: attempt {} failed ({}); next in {} ms", what, updated.attempts, error,
                 updated.next_attempt_at - util::now_ms());
  }
}

util::Expected<std::unique_ptr<DeliveryWorker>> DeliveryWorker::start(const std::string& database_path,
                                                                      const util::SecretBox& secrets,
                                                                      RetryPolicy policy, Send send) {
  auto store = store::SqliteStore::open(database_path);
  if (!store) return util::unexpected("the delivery worker's database: " + store.error());
  auto state = std::make_unique<State>(std::move(*store), secrets, policy, std::move(send));
  std::unique_ptr<DeliveryWorker> worker(new DeliveryWorker(std::move(state)));
  worker->thread_ = std::thread([raw = worker->state_.get()] {
    try {
      raw->run();
    } catch (const std::exception& e) {
      spdlog::error("the delivery worker stopped: {}", e.what());
    }
  });
  return worker;
}

DeliveryWorker::DeliveryWorker(std::unique_ptr<State> state) : state_(std::move(state)) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::wake() {
  {
    std::lock_guard lock(state_->mutex);
    state_->woken = true;
  }
  state_->changed.notify_one();
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->changed.notify_one();
  if (thread_.joinable()) thread_.join();
}

}  // namespace slipway::scheduler
