// The three status APIs differ in path, auth header and state names; the JSON body is nearly
// the same (GitLab says `name` where the others say `context`).
#include "scheduler/commit_status.h"

#include <nlohmann/json.hpp>

namespace slipway::scheduler {

namespace {

// Percent-encoding of a URL path segment (RFC 3986 unreserved characters stay).
std::string encode_segment(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// TEXT cut to at most MAX bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

}  // namespace

std::optional<RunPhase> run_phase(store::RunStatus status) {
  switch (status) {
    case store::RunStatus::running:
      return RunPhase::started;
    case store::RunStatus::success:
      return RunPhase::succeeded;
    case store::RunStatus::failed:
      return RunPhase::failed;
    case store::RunStatus::cancelled:
    case store::RunStatus::interrupted:
      return RunPhase::cancelled;
    default:
      return std::nullopt;
  }
}

std::string_view forge_state(pipeline::Forge forge, RunPhase phase) {
  const bool gitlab = forge == pipeline::Forge::gitlab;
  switch (phase) {
    case RunPhase::started:
      return gitlab ? "running" : "pending";
    case RunPhase::succeeded:
      return "success";
    case RunPhase::failed:
      return gitlab ? "failed" : "failure";
    case RunPhase::cancelled:
      return gitlab ? "canceled" : "error";
  }
  return "error";
}

std::string status_url(const pipeline::CommitStatusSettings& settings, const std::string& commit) {
  switch (settings.forge) {
    case pipeline::Forge::github:
      return settings.api + "/repos/" + settings.repo + "/statuses/" + commit;
    case pipeline::Forge::gitea:
      return settings.api + "/api/v1/repos/" + settings.repo + "/statuses/" + commit;
    case pipeline::Forge::gitlab:
      return settings.api + "/api/v4/projects/" + encode_segment(settings.repo) + "/statuses/" + commit;
  }
  return {};
}

std::string_view auth_scheme(pipeline::Forge forge) {
  switch (forge) {
    case pipeline::Forge::github:
      return "bearer";
    case pipeline::Forge::gitea:
      return "token";
    case pipeline::Forge::gitlab:
      return "private-token";
  }
  return "bearer";
}

std::pair<std::string, std::string> auth_header(std::string_view scheme, const std::string& token) {
  if (scheme == "private-token") return {"PRIVATE-TOKEN", token};
  if (scheme == "token") return {"Authorization", "token " + token};
  return {"Authorization", "Bearer " + token};
}

std::string status_description(const store::Run& run, RunPhase phase) {
  const std::string name = "Run " + std::to_string(run.id);
  std::string text;
  switch (phase) {
    case RunPhase::started:
      text = name + " is running";
      break;
    case RunPhase::succeeded:
      text = name + " passed";
      break;
    case RunPhase::failed:
      text = name + " failed" + (run.reason.empty() ? "" : ": " + run.reason);
      break;
    case RunPhase::cancelled:
      text = name + (run.status == store::RunStatus::interrupted ? " was interrupted (slipway stopped)"
                                                                 : " was cancelled");
      break;
  }
  return cut_utf8(text.substr(0, text.find('\n')), 140);
}

store::Delivery commit_status_delivery(const pipeline::CommitStatusSettings& settings, const store::Run& run,
                                       RunPhase phase, const std::string& base_url) {
  const std::string state(forge_state(settings.forge, phase));
  nlohmann::json body = {{"state", state},
                         {"target_url", base_url + "/#/runs/" + std::to_string(run.id)},
                         {"description", status_description(run, phase)}};
  body[settings.forge == pipeline::Forge::gitlab ? "name" : "context"] = settings.context;
  nlohmann::json headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (settings.forge == pipeline::Forge::github) headers["Accept"] = "application/vnd.github+json";
  store::Delivery delivery;
  delivery.project_id = run.project_id;
  delivery.kind = "status";
  delivery.event = state;
  delivery.run_id = run.id;
  delivery.url = status_url(settings, run.commit);
  delivery.headers = headers.dump();
  delivery.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  delivery.auth_secret = settings.token;
  delivery.auth_scheme = std::string(auth_scheme(settings.forge));
  return delivery;
}

std::optional<store::Delivery> interrupted_status(const store::Delivery& last) {
  if (last.kind != "status" || (last.event != "pending" && last.event != "running")) return std::nullopt;
  auto body = nlohmann::json::parse(last.body, nullptr, false);
  if (!body.is_object()) return std::nullopt;
  const std::string state = last.event == "running" ? "canceled" : "error";
  body["state"] = state;
  body["description"] = "Run " + std::to_string(last.run_id) + " was interrupted (slipway stopped)";
  store::Delivery delivery = last;
  delivery.id = 0;
  delivery.event = state;
  delivery.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  delivery.status = store::DeliveryStatus::pending;
  delivery.attempts = 0;
  delivery.next_attempt_at = 0;
  delivery.last_error.clear();
  delivery.response_status = 0;
  delivery.finished_at = 0;
  return delivery;
}

}  // namespace slipway::scheduler
