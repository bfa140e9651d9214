#include "http/forge_hook.h"

#include "http/json_views.h"
#include "scm/forge_webhook.h"

namespace slipway::http {

namespace {

// The value of the first of NAMES the request has.
std::string first_header(const Request& request, const std::vector<std::string_view>& names) {
  for (auto name : names) {
    std::string value = request.header(name);
    if (!value.empty()) return value;
  }
  return {};
}

}  // namespace

Response handle_forge_hook(ServerContext& context, const Request& request, std::string_view route) {
  auto slash = route.find('/');
  auto forge = scm::parse_forge(route.substr(0, slash));
  if (!forge || slash == std::string_view::npos) throw HttpError{404, "not found: " + request.path};
  const std::string project_name(route.substr(slash + 1));
  if (request.method() != beast_http::verb::post) throw HttpError{405, "webhooks are POSTed"};

  const auto& headers = scm::forge_headers(*forge);
  const std::string& body = request.raw.body();
  auto project = context.store.find_project(project_name);
  // The same answer for "no such project", "no secret" and "bad signature", so
  // the hook does not tell strangers which projects exist.
  if (!project || !scm::verify_delivery(*forge, project->webhook_secret, body,
                                        first_header(request, headers.credential))) {
    throw HttpError{401, "missing or wrong " + std::string(headers.credential.front()) +
                             " (is the project's webhook secret set?)"};
  }
  std::string event = first_header(request, headers.event);
  std::string delivery = first_header(request, headers.delivery);
  if (delivery.empty() || delivery.size() > 200) {
    throw HttpError{400, "missing " + std::string(headers.delivery.front())};
  }
  switch (scm::classify_event(*forge, event)) {
    case scm::ForgeEvent::ping:
      return json_response(200, {{"ok", true}});
    case scm::ForgeEvent::other:
      return json_response(202, {{"ignored", "event '" + event + "' does not start runs"}});
    case scm::ForgeEvent::push:
      break;
  }

  auto push = scm::parse_push(*forge, body);
  if (!push) throw HttpError{400, push.error()};
  if (project->source_url.empty()) {
    throw HttpError{409, "project '" + project->name + "' has no source URL to fetch from"};
  }
  // GitLab's event UUID is shared by every hook the event triggers, so one
  // GitLab repository can feed several projects only if it counts per project.
  if (*forge == scm::Forge::gitlab) delivery = std::to_string(project->id) + "/" + delivery;
  nlohmann::json result;
  context.store.transaction([&] {
    if (!context.store.record_delivery(scm::forge_name(*forge), delivery)) {
      result = {{"duplicate", true}, {"delivery", delivery}};
      return;
    }
    if (push->deleted) {
      result = {{"ignored", push->tag.empty() ? "branch deleted" : "tag deleted"}};
      return;
    }
    // A tag's run is named after the tag, as a manual run of a tag is; when.branch
    // globs match it like a branch name.
    const std::string& ref_name = push->tag.empty() ? push->branch : push->tag;
    auto run = context.scheduler.enqueue(*project, {"webhook", ref_name, push->commit, push->message});
    result = run_json(run);
  });
  return json_response(result.contains("id") ? 201 : 200, result);
}

}  // namespace slipway::http
