#include "scheduler/deployment_notification.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util/crypto.h"

namespace slipway::scheduler {
namespace {

store::Deployment deployment(store::DeploymentStatus status, std::string kind = "deploy") {
  store::Deployment d;
  d.id = 9;
  d.project_id = 2;
  d.project = "api";
  d.environment = "production";
  d.release_number = 4;
  d.previous_release_number = 3;
  d.kind = std::move(kind);
  d.trigger = "push";
  d.status = status;
  d.created_at = 1000;
  d.started_at = 2000;
  d.finished_at = 3000;
  return d;
}

DeploymentFacts facts(const store::Deployment& d) {
  return {*notification_event(d), d, std::string(40, 'b'), "http://ci:7300/#/apps/api/production"};
}

TEST(DeploymentNotification, Events) {
  using S = store::DeploymentStatus;
  EXPECT_EQ(notification_event(deployment(S::success)), "success");
  EXPECT_EQ(notification_event(deployment(S::success, "rollback")), "rollback");
  EXPECT_EQ(notification_event(deployment(S::failed)), "failure");
  EXPECT_EQ(notification_event(deployment(S::interrupted)), "failure");
  EXPECT_EQ(notification_event(deployment(S::failed, "rollback")), "failure");
  for (auto quiet : {S::queued, S::running, S::waiting, S::superseded, S::cancelled}) {
    EXPECT_FALSE(notification_event(deployment(quiet)));
  }
}

TEST(DeploymentNotification, JsonBodyIsSignedAndTheSecretIsNotKept) {
  pipeline::Notification notification;
  notification.url = "http://127.0.0.1:9/hook";
  notification.secret = "HOOK_SECRET";
  auto d = deployment(store::DeploymentStatus::success);
  auto delivery = notification_delivery(notification, facts(d), "s3cret", "abc123");
  EXPECT_EQ(delivery.kind, "notification");
  EXPECT_EQ(delivery.event, "success");
  EXPECT_EQ(delivery.deployment_id, 9);
  EXPECT_TRUE(delivery.auth_secret.empty());
  auto headers = nlohmann::json::parse(delivery.headers);
  EXPECT_EQ(headers["X-Slipway-Event"], "success");
  EXPECT_EQ(headers["X-Slipway-Delivery"], "abc123");
  EXPECT_EQ(headers["X-Slipway-Signature"], "sha256=" + util::hmac_sha256_hex("s3cret", delivery.body));
  EXPECT_EQ(delivery.headers.find("s3cret"), std::string::npos);
  EXPECT_EQ(delivery.body.find("s3cret"), std::string::npos);
  auto body = nlohmann::json::parse(delivery.body);
  EXPECT_EQ(body["event"], "success");
  EXPECT_EQ(body["delivery"], "abc123");
  EXPECT_EQ(body["app"], "api");
  EXPECT_EQ(body["environment"], "production");
  EXPECT_EQ(body["deployment_id"], 9);
  EXPECT_EQ(body["release"], 4);
  EXPECT_EQ(body["previous_release"], 3);
  EXPECT_EQ(body["commit"], std::string(40, 'b'));
  EXPECT_EQ(body["status"], "success");
  EXPECT_EQ(body["url"], "http://ci:7300/#/apps/api/production");
  EXPECT_EQ(body["finished_at"], "1970-01-01T00:00:03.000Z");
}

TEST(DeploymentNotification, UnsignedWithoutASecret) {
  pipeline::Notification notification;
  notification.url = "http://127.0.0.1:9/hook";
  auto delivery =
      notification_delivery(notification, facts(deployment(store::DeploymentStatus::failed)), "", "id");
  EXPECT_FALSE(nlohmann::json::parse(delivery.headers).contains("X-Slipway-Signature"));
}

TEST(DeploymentNotification, SlackText) {
  pipeline::Notification notification;
  notification.url = "https://hooks.slack.com/services/T/B/X";
  notification.format = pipeline::NotifyFormat::slack;
  auto failed = deployment(store::DeploymentStatus::failed);
  failed.reason = "health check of <web> failed & gave up\nlog...";
  auto delivery = notification_delivery(notification, facts(failed), "", "id");
  auto body = nlohmann::json::parse(delivery.body);
  EXPECT_EQ(
      body["text"],
      ":x: api production: deployment 9 of release 4 (bbbbbbb) failed: health check of &lt;web&gt; failed "
      "&amp; gave up <http://ci:7300/#/apps/api/production|open>");
  auto headers = nlohmann::json::parse(delivery.headers);
  EXPECT_FALSE(headers.contains("X-Slipway-Signature"));
  auto live =
      nlohmann::json::parse(slack_notification_body(facts(deployment(store::DeploymentStatus::success))));
  EXPECT_EQ(live["text"],
            ":white_check_mark: api production: release 4 (bbbbbbb) is live "
            "<http://ci:7300/#/apps/api/production|open>");
}

}  // namespace
}  // namespace slipway::scheduler
