#include "http/github_hook.h"

#include "http/json_views.h"
#include "scm/github_webhook.h"

namespace slipway::http {

Response handle_github_hook(ServerContext& context, const Request& request, const std::string& project_name) {
  if (request.method() != beast_http::verb::post) throw HttpError{405, "webhooks are POSTed"};
  auto project = context.store.find_project(project_name);
  // The same answer for "no such project" and "bad signature", so the hook
  // does not tell strangers which projects exist.
  if (!project || project->webhook_secret.empty()) {
    throw HttpError{401, "signature check failed (is the project's webhook secret set?)"};
  }
  const std::string& body = request.raw.body();
  if (!scm::verify_github_signature(project->webhook_secret, body, request.header("X-Hub-Signature-256"))) {
    throw HttpError{401, "missing or wrong X-Hub-Signature-256"};
  }
  std::string event = request.header("X-GitHub-Event");
  std::string delivery = request.header("X-GitHub-Delivery");
  if (delivery.empty() || delivery.size() > 200) throw HttpError{400, "missing X-GitHub-Delivery"};
  if (event == "ping") return json_response(200, {{"ok", true}});
  if (event != "push") return json_response(202, {{"ignored", "event '" + event + "' does not start runs"}});

  auto push = scm::parse_github_push(body);
  if (!push) throw HttpError{400, push.error()};
  if (project->source_url.empty()) {
    throw HttpError{409, "project '" + project->name + "' has no source URL to fetch from"};
  }
  nlohmann::json result;
  context.store.transaction([&] {
    if (!context.store.record_delivery("github", delivery)) {
      result = {{"duplicate", true}, {"delivery", delivery}};
      return;
    }
    if (push->deleted) {
      result = {{"ignored", "branch deleted"}};
      return;
    }
    if (push->branch.empty()) {
      result = {{"ignored", "tag pushes do not start runs"}};
      return;
    }
    auto run = context.scheduler.enqueue(*project, {"webhook", push->branch, push->after, push->message});
    result = run_json(run);
  });
  return json_response(result.contains("id") ? 201 : 200, result);
}

}  // namespace slipway::http
