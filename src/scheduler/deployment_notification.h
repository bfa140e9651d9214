// Notifications of a deployment's end (`notify:` in slipway.yml): which event
// a finished deployment is, and the request for one webhook: a generic JSON
// body signed with HMAC-SHA256, or a Slack-compatible `{"text": ...}`. Pure
// functions; the outbox stores the request (signed: never the secret).
#pragma once

#include <optional>
#include <string>

#include "pipeline/outbound_settings.h"
#include "store/delivery_records.h"
#include "store/deploy_records.h"

namespace slipway::scheduler {

// success, failure or rollback (a rollback that succeeded); nullopt for a deployment that is
// not over or was superseded, cancelled or parked for approval.
std::optional<std::string> notification_event(const store::Deployment& deployment);

struct DeploymentFacts {
  std::string event;             // from notification_event()
  store::Deployment deployment;  // finished
  std::string commit;            // of its release
  std::string environment_url;   // the dashboard's page: BASE_URL/#/apps/APP/ENV
};

std::string json_notification_body(const DeploymentFacts& facts, const std::string& delivery_id);
std::string slack_notification_body(const DeploymentFacts& facts);
// "sha256=" + the hex HMAC-SHA256 of BODY under SECRET: the X-Slipway-Signature header.
std::string notification_signature(const std::string& secret, const std::string& body);

// The outbox row for NOTIFICATION; SECRET_VALUE (empty: none) signs a json body, and only the
// signature is kept.
store::Delivery notification_delivery(const pipeline::Notification& notification,
                                      const DeploymentFacts& facts, const std::string& secret_value,
                                      const std::string& delivery_id);

}  // namespace slipway::scheduler
