// The payloads of deployment notifications. Values come from the store (names, reasons); JSON
// escaping is nlohmann's, Slack's markup characters are escaped by hand.
#include "scheduler/deployment_notification.h"

#include <nlohmann/json.hpp>

#include "util/clock.h"
#include "util/crypto.h"

namespace slipway::scheduler {

namespace {

std::string rfc3339_or_empty(store::TimeMs ms) { return ms > 0 ? util::format_rfc3339(ms) : std::string(); }

// Slack's mrkdwn gives &, < and > a meaning; everything else is text.
std::string slack_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::optional<std::string> notification_event(const store::Deployment& deployment) {
  switch (deployment.status) {
    case store::DeploymentStatus::success:
      return deployment.kind == "rollback" ? "rollback" : "success";
    case store::DeploymentStatus::failed:
    case store::DeploymentStatus::interrupted:
      return "failure";
    default:
      return std::nullopt;
  }
}

std::string json_notification_body(const DeploymentFacts& facts, const std::string& delivery_id) {
  const auto& d = facts.deployment;
  nlohmann::json body = {
      {"event", facts.event},
      {"delivery", delivery_id},
      {"app", d.project},
      {"environment", d.environment},
      {"deployment_id", d.id},
      {"kind", d.kind},
      {"trigger", d.trigger},
      {"status", std::string(store::to_string(d.status))},
      {"reason", d.reason},
      {"release", d.release_number},
      {"previous_release", d.previous_release_number},
      {"commit", facts.commit},
      {"url", facts.environment_url},
      {"created_at", rfc3339_or_empty(d.created_at)},
      {"started_at", rfc3339_or_empty(d.started_at)},
      {"finished_at", rfc3339_or_empty(d.finished_at)},
  };
  return dump(body);
}

std::string slack_notification_body(const DeploymentFacts& facts) {
  const auto& d = facts.deployment;
  const std::string where = slack_escape(d.project) + " " + slack_escape(d.environment);
  const std::string release = "release " + std::to_string(d.release_number) +
                              (facts.commit.empty() ? "" : " (" + facts.commit.substr(0, 7) + ")");
  std::string text;
  if (facts.event == "success") {
    text = ":white_check_mark: " + where + ": " + release + " is live";
  } else if (facts.event == "rollback") {
    text = ":leftwards_arrow_with_hook: " + where + ": rolled back to " + release;
  } else {
    std::string reason = d.reason.substr(0, d.reason.find('\n'));
    text = ":x: " + where + ": deployment " + std::to_string(d.id) + " of " + release + " " +
           std::string(store::to_string(d.status)) + (reason.empty() ? "" : ": " + slack_escape(reason));
  }
  text += " <" + facts.environment_url + "|open>";
  return dump(nlohmann::json{{"text", text}});
}

std::string notification_signature(const std::string& secret, const std::string& body) {
  return "sha256=" + util::hmac_sha256_hex(secret, body);
}

store::Delivery notification_delivery(const pipeline::Notification& notification,
                                      const DeploymentFacts& facts, const std::string& secret_value,
                                      const std::string& delivery_id) {
  store::Delivery delivery;
  delivery.project_id = facts.deployment.project_id;
  delivery.kind = "notification";
  delivery.event = facts.event;
  delivery.deployment_id = facts.deployment.id;
  delivery.url = notification.url;
  delivery.url_secret = notification.url_secret;
  nlohmann::json headers = {{"Content-Type", "application/json"}};
  if (notification.format == pipeline::NotifyFormat::slack) {
    delivery.body = slack_notification_body(facts);
  } else {
    delivery.body = json_notification_body(facts, delivery_id);
    headers["X-Slipway-Event"] = facts.event;
    headers["X-Slipway-Delivery"] = delivery_id;
    if (!secret_value.empty())
      headers["X-Slipway-Signature"] = notification_signature(secret_value, delivery.body);
  }
  delivery.headers = dump(headers);
  return delivery;
}

}  // namespace slipway::scheduler
