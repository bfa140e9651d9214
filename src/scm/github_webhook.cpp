#include "scm/github_webhook.h"

#include <nlohmann/json.hpp>

#include "scm/names.h"
#include "util/crypto.h"

namespace slipway::scm {

namespace {

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

}  // namespace

bool verify_github_signature(std::string_view secret, std::string_view body, std::string_view header) {
  constexpr std::string_view prefix = "sha256=";
  if (secret.empty() || header.substr(0, prefix.size()) != prefix) return false;
  std::string expected = util::hmac_sha256_hex(secret, body);
  return util::constant_time_equal(expected, header.substr(prefix.size()));
}

util::Expected<PushEvent> parse_github_push(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return util::unexpected("body is not a JSON object");
  PushEvent event;
  auto string_field = [&](const char* name) -> std::string {
    auto it = json.find(name);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  event.ref = string_field("ref");
  event.after = string_field("after");
  if (auto it = json.find("deleted"); it != json.end() && it->is_boolean()) event.deleted = it->get<bool>();
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
  if (event.deleted) return event;
  if (!is_commit_id(event.after)) return util::unexpected("push event without a valid 'after' commit id");
  if (auto it = json.find("head_commit"); it != json.end() && it->is_object()) {
    if (auto m = it->find("message"); m != it->end() && m->is_string()) event.message = first_line(m->get<std::string>());
  }
  return event;
}

}  // namespace slipway::scm
