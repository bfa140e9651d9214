// The outbox: one row per outbound HTTP request (a commit status to a forge,
// a deployment notification to a webhook), kept until it is delivered or
// given up on, so that a restart of the daemon loses none of them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/records.h"

namespace slipway::store {

enum class DeliveryStatus { pending, delivered, failed, superseded };
std::string_view to_string(DeliveryStatus status);
std::optional<DeliveryStatus> parse_delivery_status(std::string_view text);

struct Delivery {
  Id id = 0;
  Id project_id = 0;
  std::string kind;   // status | notification
  std::string event;  // status: pending|running|success|... as sent; notification: success|failure|rollback
  Id run_id = 0;      // status: the run it reports
  Id deployment_id = 0;  // notification: the deployment it reports
  std::string url;
  // Or the NAME of an app secret that holds the URL (a Slack incoming webhook's URL is its
  // secret), looked up when the request is sent; then `url` is empty.
  std::string url_secret;
  std::string headers;  // a JSON object of header name -> value; never a secret in clear
  std::string body;
  // A header whose value is an app secret, looked up when the request is sent (the secret itself
  // is never stored here): the secret's name and how it goes into the header.
  std::string auth_secret;  // empty: none
  std::string auth_scheme;  // bearer | token | private-token
  DeliveryStatus status = DeliveryStatus::pending;
  int attempts = 0;
  TimeMs next_attempt_at = 0;
  std::string last_error;
  int response_status = 0;  // of the last attempt (0: no response)
  TimeMs created_at = 0;
  TimeMs finished_at = 0;  // delivered or given up
};

struct DeliveryFilter {
  std::optional<Id> project_id;
  std::optional<Id> run_id;
  std::optional<Id> deployment_id;
  int limit = 100;
};

}  // namespace slipway::store
