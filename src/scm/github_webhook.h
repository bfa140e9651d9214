// GitHub push webhooks: the signature check and the fields of a push payload
// that start a run.
#pragma once

#include <string>
#include <string_view>

#include "util/expected.h"

namespace slipway::scm {

struct PushEvent {
  std::string ref;      // "refs/heads/main"
  std::string branch;   // "main"; empty for tags
  std::string tag;      // for tag pushes
  std::string after;    // the new head commit (40 hex)
  std::string message;  // the head commit's message, first line
  bool deleted = false;
};

// Checks `X-Hub-Signature-256: sha256=HEX` against HMAC-SHA256(SECRET, BODY)
// in constant time. An empty secret never verifies.
bool verify_github_signature(std::string_view secret, std::string_view body, std::string_view header);

// Parses a push event payload; an error for anything that is not one.
util::Expected<PushEvent> parse_github_push(std::string_view body);

}  // namespace slipway::scm
