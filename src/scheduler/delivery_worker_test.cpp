#include "scheduler/delivery_worker.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "store/temp_store_fixture.h"
#include "util/clock.h"

namespace slipway::scheduler {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, DoublesFromTheBaseUpToTheCap) {
  RetryPolicy policy;  // 2 s, capped at 5 min
  EXPECT_EQ(retry_delay(policy, 1), milliseconds(2000));
  EXPECT_EQ(retry_delay(policy, 2), milliseconds(4000));
  EXPECT_EQ(retry_delay(policy, 3), milliseconds(8000));
  EXPECT_EQ(retry_delay(policy, 7), milliseconds(128000));
  EXPECT_EQ(retry_delay(policy, 8), milliseconds(256000));
  EXPECT_EQ(retry_delay(policy, 9), milliseconds(300000));
  EXPECT_EQ(retry_delay(policy, 60), milliseconds(300000));
}

TEST(RetryPolicy, WhatIsRetried) {
  EXPECT_EQ(judge_attempt(200), AttemptVerdict::delivered);
  EXPECT_EQ(judge_attempt(204), AttemptVerdict::delivered);
  EXPECT_EQ(judge_attempt(0), AttemptVerdict::retry);  // no answer: network error or timeout
  EXPECT_EQ(judge_attempt(500), AttemptVerdict::retry);
  EXPECT_EQ(judge_attempt(503), AttemptVerdict::retry);
  EXPECT_EQ(judge_attempt(429), AttemptVerdict::retry);
  EXPECT_EQ(judge_attempt(408), AttemptVerdict::retry);
  EXPECT_EQ(judge_attempt(401), AttemptVerdict::give_up);
  EXPECT_EQ(judge_attempt(404), AttemptVerdict::give_up);
  EXPECT_EQ(judge_attempt(422), AttemptVerdict::give_up);
  EXPECT_EQ(judge_attempt(301), AttemptVerdict::give_up);
}

TEST(RetryPolicy, AttemptsEndInFailedAfterTheLast) {
  RetryPolicy policy;
  store::Delivery d;
  for (int i = 1; i < policy.max_attempts; ++i) {
    d = after_attempt(d, 502, "HTTP 502", policy, 1000);
    EXPECT_EQ(d.status, store::DeliveryStatus::pending);
    EXPECT_EQ(d.attempts, i);
    EXPECT_EQ(d.next_attempt_at, 1000 + retry_delay(policy, i).count());
  }
  d = after_attempt(d, 0, "connection refused", policy, 5000);
  EXPECT_EQ(d.status, store::DeliveryStatus::failed);
  EXPECT_EQ(d.attempts, 8);
  EXPECT_EQ(d.finished_at, 5000);
  EXPECT_EQ(d.last_error, "connection refused");

  store::Delivery other;
  other = after_attempt(other, 403, "HTTP 403", policy, 10);
  EXPECT_EQ(other.status, store::DeliveryStatus::failed);
  EXPECT_EQ(other.attempts, 1);
  other = store::Delivery{};
  other = after_attempt(other, 201, "", policy, 10);
  EXPECT_EQ(other.status, store::DeliveryStatus::delivered);
}

class DeliveryWorkerTest : public store::TempStoreTest {};

TEST_F(DeliveryWorkerTest, SendsWithTheTokenLookedUpNowAndRetries) {
  auto box = util::SecretBox::open(dir_ + "/secret.key");
  ASSERT_TRUE(box) << box.error();
  auto project = this->project("api");
  store_->save_config(project.id, {{"FORGE_TOKEN", box->seal("tok3n"), true}});
  store::Delivery d;
  d.project_id = project.id;
  d.kind = "status";
  d.event = "pending";
  d.url = "http://127.0.0.1:1/status";
  d.headers = R"({"Content-Type":"application/json"})";
  d.body = R"({"state":"pending"})";
  d.auth_secret = "FORGE_TOKEN";
  d.auth_scheme = "bearer";
  auto created = store_->create_delivery(d);

  std::mutex mutex;
  std::vector<util::HttpPostRequest> seen;
  auto send = [&](const util::HttpPostRequest& request,
                  const std::atomic<bool>*) -> util::Expected<util::HttpPostResponse> {
    std::lock_guard lock(mutex);
    seen.push_back(request);
    if (seen.size() == 1) return util::unexpected("connection refused");
    return util::HttpPostResponse{seen.size() == 2 ? 503 : 201, ""};
  };
  RetryPolicy policy;
  policy.base = milliseconds(20);
  auto worker = DeliveryWorker::start(path_, *box, policy, send);
  ASSERT_TRUE(worker) << worker.error();
  (*worker)->wake();
  for (int i = 0; i < 300 && store_->find_delivery(created.id)->status == store::DeliveryStatus::pending;
       ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  (*worker)->stop();
  auto done = *store_->find_delivery(created.id);
  EXPECT_EQ(done.status, store::DeliveryStatus::delivered);
  EXPECT_EQ(done.attempts, 3);
  EXPECT_EQ(done.response_status, 201);
  std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 3u);
  bool has_auth = false;
  for (const auto& [name, value] : seen[0].headers)
    has_auth = has_auth || (name == "Authorization" && value == "Bearer tok3n");
  EXPECT_TRUE(has_auth);
  EXPECT_EQ(seen[0].body, R"({"state":"pending"})");
}

TEST_F(DeliveryWorkerTest, AMissingSecretFailsTheRowAtOnce) {
  auto box = util::SecretBox::open(dir_ + "/secret.key");
  ASSERT_TRUE(box) << box.error();
  auto project = this->project("api");
  store::Delivery d;
  d.project_id = project.id;
  d.kind = "status";
  d.url = "http://127.0.0.1:1/status";
  d.headers = "{}";
  d.auth_secret = "NOPE";
  d.auth_scheme = "token";
  auto created = store_->create_delivery(d);
  int calls = 0;
  auto send = [&](const util::HttpPostRequest&,
                  const std::atomic<bool>*) -> util::Expected<util::HttpPostResponse> {
    ++calls;
    return util::HttpPostResponse{200, ""};
  };
  auto worker = DeliveryWorker::start(path_, *box, RetryPolicy{}, send);
  ASSERT_TRUE(worker);
  for (int i = 0; i < 300 && store_->find_delivery(created.id)->status == store::DeliveryStatus::pending;
       ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  (*worker)->stop();
  auto done = *store_->find_delivery(created.id);
  EXPECT_EQ(done.status, store::DeliveryStatus::failed);
  EXPECT_NE(done.last_error.find("no secret NOPE"), std::string::npos) << done.last_error;
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace slipway::scheduler
