// Push webhooks from the forges a remote project can live on (GitHub, GitLab,
// Gitea/Forgejo): how each proves a delivery came from it, where it puts the
// event name and delivery id, and the fields of its push payload that start a run.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace slipway::scm {

enum class Forge { github, gitlab, gitea };

// "github", "gitlab", "gitea" or "forgejo" (Forgejo is Gitea's fork and speaks its protocol),
// as in /hooks/FORGE/NAME.
std::optional<Forge> parse_forge(std::string_view name);
// The name deliveries are recorded under: "github", "gitlab" or "gitea".
const char* forge_name(Forge forge);

// The request headers a forge uses; of each list, the first one present counts.
struct ForgeHeaders {
  std::vector<std::string_view> credential;  // the signature (GitHub, Gitea) or token (GitLab)
  std::vector<std::string_view> event;
  std::vector<std::string_view> delivery;
};
const ForgeHeaders& forge_headers(Forge forge);

enum class ForgeEvent { push, ping, other };
// GitHub's "push" and "ping", GitLab's "Push Hook" and "Tag Push Hook", Gitea's "push";
// everything else (Gitea's "create" and "delete" among them) starts nothing.
ForgeEvent classify_event(Forge forge, std::string_view event);

// Checks a delivery's credential in constant time; an empty secret never verifies.
// GitHub: `sha256=HEX`, Gitea: `HEX`, both HMAC-SHA256(SECRET, BODY) in lowercase hex;
// GitLab: the secret itself, compared through fixed-length digests so its length does not leak.
bool verify_delivery(Forge forge, std::string_view secret, std::string_view body,
                     std::string_view credential);
bool verify_github_signature(std::string_view secret, std::string_view body, std::string_view header);
bool verify_gitea_signature(std::string_view secret, std::string_view body, std::string_view header);
bool verify_gitlab_token(std::string_view secret, std::string_view header);

struct PushEvent {
  std::string ref;      // "refs/heads/main"
  std::string branch;   // "main"; empty for tags
  std::string tag;      // for tag pushes
  std::string after;    // the ref's new value: for an annotated tag, the tag object
  std::string commit;   // the commit to build (the tag peeled); empty when deleted
  std::string message;  // the head commit's message, first line
  bool deleted = false;
};

// Parse a push payload; an error for anything that is not one.
util::Expected<PushEvent> parse_push(Forge forge, std::string_view body);
util::Expected<PushEvent> parse_github_push(std::string_view body);
util::Expected<PushEvent> parse_gitlab_push(std::string_view body);
util::Expected<PushEvent> parse_gitea_push(std::string_view body);

}  // namespace slipway::scm
