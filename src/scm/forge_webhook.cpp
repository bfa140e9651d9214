#include "scm/forge_webhook.h"

#include <nlohmann/json.hpp>

#include "scm/names.h"
#include "util/crypto.h"

namespace slipway::scm {

namespace {

using nlohmann::json;

const std::string kNoCommit(40, '0');  // the "after" of a deleted ref

bool is_commit_id(const std::string& text) {
  if (text.size() != 40) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string string_field(const json& object, const char* name) {
  if (!object.is_object()) return {};
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

util::Expected<json> parse_object(std::string_view body) {
  auto parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return util::unexpected("body is not a JSON object");
  return parsed;
}

// The fields every forge's push has: ref and after. A deletion is known by its
// all-zero "after"; GitHub also says "deleted": true (SAID_DELETED).
util::Expected<PushEvent> read_ref_update(const json& payload, bool said_deleted = false) {
  PushEvent event;
  event.ref = string_field(payload, "ref");
  event.after = string_field(payload, "after");
  if (event.ref.rfind("refs/heads/", 0) == 0) {
    event.branch = event.ref.substr(11);
  } else if (event.ref.rfind("refs/tags/", 0) == 0) {
    event.tag = event.ref.substr(10);
  } else {
    return util::unexpected("push event without a branch or tag ref");
  }
  if (event.branch.empty() && event.tag.empty()) return util::unexpected("push event with an empty ref name");
  if (!valid_branch_name(event.branch.empty() ? event.tag : event.branch)) {
    return util::unexpected("push event with an invalid ref name");
  }
  event.deleted = said_deleted || event.after == kNoCommit;
  if (!event.deleted && !is_commit_id(event.after)) {
    return util::unexpected("push event without a valid 'after' commit id");
  }
  return event;
}

// A branch points at a commit; an annotated tag at a tag object, so a tag's
// commit comes from what the forge peeled it to (PEELED), when it says.
void choose_commit(PushEvent& event, const std::string& peeled) {
  event.commit = !event.tag.empty() && is_commit_id(peeled) ? peeled : event.after;
}

// The message of the commit with id ID in COMMITS, else of the last one.
std::string message_from_commits(const json& payload, const std::string& id) {
  auto commits = payload.find("commits");
  if (commits == payload.end() || !commits->is_array() || commits->empty()) return {};
  for (const auto& commit : *commits) {
    if (string_field(commit, "id") == id) return first_line(string_field(commit, "message"));
  }
  return first_line(string_field(commits->back(), "message"));
}

// GitHub's and Gitea's payloads share their shape: ref, after, commits, head_commit.
util::Expected<PushEvent> parse_github_shaped_push(std::string_view body) {
  auto payload = parse_object(body);
  if (!payload) return util::unexpected(payload.error());
  auto deleted = payload->find("deleted");
  auto event =
      read_ref_update(*payload, deleted != payload->end() && deleted->is_boolean() && deleted->get<bool>());
  if (!event || event->deleted) return event;
  const json head_commit = payload->value("head_commit", json());
  choose_commit(*event, string_field(head_commit, "id"));
  event->message = head_commit.is_object() ? first_line(string_field(head_commit, "message"))
                                           : message_from_commits(*payload, event->commit);
  return event;
}

}  // namespace

std::optional<Forge> parse_forge(std::string_view name) {
  if (name == "github") return Forge::github;
  if (name == "gitlab") return Forge::gitlab;
  if (name == "gitea" || name == "forgejo") return Forge::gitea;
  return std::nullopt;
}

const char* forge_name(Forge forge) {
  switch (forge) {
    case Forge::github:
      return "github";
    case Forge::gitlab:
      return "gitlab";
    case Forge::gitea:
      return "gitea";
  }
  return "unknown";
}

const ForgeHeaders& forge_headers(Forge forge) {
  static const ForgeHeaders github{{"X-Hub-Signature-256"}, {"X-GitHub-Event"}, {"X-GitHub-Delivery"}};
  // X-Gitlab-Event-UUID names the event (the same for each hook it triggers);
  // X-Gitlab-Webhook-UUID is newer and differs per request.
  static const ForgeHeaders gitlab{
      {"X-Gitlab-Token"}, {"X-Gitlab-Event"}, {"X-Gitlab-Event-UUID", "X-Gitlab-Webhook-UUID"}};
  // Forgejo sends both its own headers and Gitea's.
  static const ForgeHeaders gitea{{"X-Gitea-Signature", "X-Forgejo-Signature"},
                                  {"X-Gitea-Event", "X-Forgejo-Event"},
                                  {"X-Gitea-Delivery", "X-Forgejo-Delivery"}};
  switch (forge) {
    case Forge::github:
      return github;
    case Forge::gitlab:
      return gitlab;
    case Forge::gitea:
      return gitea;
  }
  return github;
}

ForgeEvent classify_event(Forge forge, std::string_view event) {
  switch (forge) {
    case Forge::github:
      if (event == "ping") return ForgeEvent::ping;
      return event == "push" ? ForgeEvent::push : ForgeEvent::other;
    case Forge::gitlab:
      return event == "Push Hook" || event == "Tag Push Hook" ? ForgeEvent::push : ForgeEvent::other;
    case Forge::gitea:
      return event == "push" ? ForgeEvent::push : ForgeEvent::other;
  }
  return ForgeEvent::other;
}

bool verify_delivery(Forge forge, std::string_view secret, std::string_view body,
                     std::string_view credential) {
  switch (forge) {
    case Forge::github:
      return verify_github_signature(secret, body, credential);
    case Forge::gitlab:
      return verify_gitlab_token(secret, credential);
    case Forge::gitea:
      return verify_gitea_signature(secret, body, credential);
  }
  return false;
}

bool verify_github_signature(std::string_view secret, std::string_view body, std::string_view header) {
  constexpr std::string_view prefix = "sha256=";
  if (secret.empty() || header.substr(0, prefix.size()) != prefix) return false;
  return verify_gitea_signature(secret, body, header.substr(prefix.size()));
}

bool verify_gitea_signature(std::string_view secret, std::string_view body, std::string_view header) {
  if (secret.empty()) return false;
  return util::constant_time_equal(util::hmac_sha256_hex(secret, body), header);
}

bool verify_gitlab_token(std::string_view secret, std::string_view header) {
  if (secret.empty()) return false;
  // Digests of equal length: the comparison's time says nothing about the secret's length.
  return util::constant_time_equal(util::sha256_hex(secret), util::sha256_hex(header));
}

util::Expected<PushEvent> parse_push(Forge forge, std::string_view body) {
  switch (forge) {
    case Forge::github:
      return parse_github_push(body);
    case Forge::gitlab:
      return parse_gitlab_push(body);
    case Forge::gitea:
      return parse_gitea_push(body);
  }
  return util::unexpected("unknown forge");
}

util::Expected<PushEvent> parse_github_push(std::string_view body) { return parse_github_shaped_push(body); }

util::Expected<PushEvent> parse_gitea_push(std::string_view body) { return parse_github_shaped_push(body); }

util::Expected<PushEvent> parse_gitlab_push(std::string_view body) {
  auto payload = parse_object(body);
  if (!payload) return util::unexpected(payload.error());
  std::string kind = string_field(*payload, "object_kind");
  if (kind != "push" && kind != "tag_push")
    return util::unexpected("not a push event (object_kind '" + kind + "')");
  auto event = read_ref_update(*payload);
  if (!event || event->deleted) return event;
  choose_commit(*event, string_field(*payload, "checkout_sha"));
  event->message = message_from_commits(*payload, event->commit);
  // A tag push lists no commits; its message is the tag's annotation, if any.
  if (event->message.empty()) event->message = first_line(string_field(*payload, "message"));
  return event;
}

}  // namespace slipway::scm
