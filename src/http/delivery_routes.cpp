#include "http/delivery_routes.h"

#include "http/route_helpers.h"
#include "scheduler/outbox.h"
#include "util/clock.h"
#include "util/strings.h"

namespace slipway::http {

namespace {

using nlohmann::json;

json time_or_null(store::TimeMs ms) { return ms > 0 ? json(util::format_rfc3339(ms)) : json(nullptr); }

// No body, no headers: a signature or a Slack URL's path says too much. The URL shows its origin only.
json delivery_json(const store::Delivery& d) {
  return {{"id", d.id},
          {"kind", d.kind},
          {"event", d.event},
          {"run_id", d.run_id ? json(d.run_id) : json(nullptr)},
          {"deployment_id", d.deployment_id ? json(d.deployment_id) : json(nullptr)},
          {"to", scheduler::delivery_target(d)},
          {"status", std::string(store::to_string(d.status))},
          {"attempts", d.attempts},
          {"response_status", d.response_status ? json(d.response_status) : json(nullptr)},
          {"last_error", d.last_error},
          {"next_attempt_at",
           d.status == store::DeliveryStatus::pending ? time_or_null(d.next_attempt_at) : json(nullptr)},
          {"created_at", time_or_null(d.created_at)},
          {"finished_at", time_or_null(d.finished_at)}};
}

store::Id id_parameter(const Request& request, const char* name) {
  auto text = request.query_value(name);
  if (!text) return 0;
  return parse_id(*text, name);
}

}  // namespace

std::optional<Response> handle_delivery_api(ServerContext& context, const Request& request,
                                            const std::vector<std::string>& segments) {
  if (segments.size() != 1 || segments[0] != "deliveries") return std::nullopt;
  require_method(request, {beast_http::verb::get});
  context.auth.require(Credentials::of(request), store::Role::deployer);
  auto name = request.query_value("project");
  if (!name || name->empty()) throw HttpError{400, "missing query parameter 'project'"};
  auto project = context.store.find_project(*name);
  if (!project) throw HttpError{404, "no project '" + *name + "'"};
  store::DeliveryFilter filter;
  filter.project_id = project->id;
  if (auto run = id_parameter(request, "run")) filter.run_id = run;
  if (auto deployment = id_parameter(request, "deployment")) filter.deployment_id = deployment;
  if (auto limit = request.query_value("limit")) {
    unsigned long long value = 0;
    if (!util::parse_uint(*limit, value) || value < 1 || value > 1000) {
      throw HttpError{400, "limit must be 1 to 1000"};
    }
    filter.limit = static_cast<int>(value);
  }
  json list = json::array();
  for (const auto& delivery : context.store.list_deliveries(filter)) list.push_back(delivery_json(delivery));
  return json_response(200, {{"deliveries", std::move(list)}});
}

}  // namespace slipway::http
