#include "http/dashboard_api.h"

#include <algorithm>
#include <map>
#include <set>

#include "deploy/dora_metrics.h"
#include "http/deploy_views.h"
#include "http/json_views.h"
#include "http/route_helpers.h"
#include "util/clock.h"
#include "util/strings.h"

namespace slipway::http {

namespace {

using nlohmann::json;

constexpr store::TimeMs kDayMs = 24LL * 3600 * 1000;

Response overview(ServerContext& context) {
  json projects = json::array();
  for (const auto& project : context.store.list_projects()) {
    auto view = project_json(project, context.base_url);
    store::RunFilter filter;
    filter.project_id = project.id;
    filter.limit = 1;
    auto runs = context.store.list_runs(filter);
    view["last_run"] = runs.empty() ? json(nullptr) : run_json(runs.front());
    view["environments"] = app_json(context.store, project, context.proxy)["environments"];
    projects.push_back(std::move(view));
  }
  return json_response(200, {{"projects", std::move(projects)}});
}

json number_or_null(double seconds) { return seconds < 0 ? json(nullptr) : json(seconds); }

json numbers_json(const deploy::DoraNumbers& n) {
  return {{"deployments", n.deployments},
          {"changes", n.changes},
          {"failed_changes", n.failed_changes},
          {"lead_time_count", n.lead_time_count},
          {"lead_time_median_seconds", number_or_null(n.lead_time_median_seconds)},
          {"restores", n.restores},
          {"restore_median_seconds", number_or_null(n.restore_median_seconds)}};
}

// Every finished deployment of the chosen apps and environments, oldest
// first, with the time of the commit it deployed.
std::vector<deploy::DoraDeployment> dora_history(ServerContext& context, const std::string& app,
                                                 const std::string& environment, std::set<std::string>& apps,
                                                 std::set<std::string>& environments) {
  std::vector<std::pair<store::Id, deploy::DoraDeployment>> rows;
  for (const auto& project : context.store.list_projects()) {
    store::DeploymentFilter filter;
    filter.project_id = project.id;
    filter.limit = 1000000;
    auto deployments = context.store.list_deployments(filter);
    if (deployments.empty()) continue;
    apps.insert(project.name);
    if (!app.empty() && project.name != app) continue;
    auto repo = context.repositories.bare(context.layout.repo(project.name));
    std::map<store::Id, store::TimeMs> commit_times;  // by release
    for (const auto& d : deployments) {
      environments.insert(d.environment);
      if (!environment.empty() && d.environment != environment) continue;
      if (!commit_times.count(d.release_id)) {
        store::TimeMs time = 0;
        auto release = context.store.find_release(d.release_id);
        if (release && !release->commit.empty() && repo) {
          if (auto commit = (*repo)->resolve(release->commit)) time = commit->time_ms;
        }
        commit_times[d.release_id] = time;
      }
      rows.push_back({d.id, {project.name, d.environment, d.kind, std::string(store::to_string(d.status)),
                             commit_times[d.release_id], d.finished_at}});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<deploy::DoraDeployment> history;
  for (auto& [id, row] : rows) history.push_back(std::move(row));
  return history;
}

Response dora(ServerContext& context, const Request& request) {
  unsigned long long days = 30;
  if (auto text = request.query_value("days"); text && !text->empty()) {
    if (!util::parse_uint(*text, days) || days < 1 || days > 3650) throw HttpError{400, "'days' must be 1-3650"};
  }
  const std::string app = request.query_value("app").value_or("");
  const std::string environment = request.query_value("environment").value_or("");
  std::set<std::string> apps, environments;
  auto history = dora_history(context, app, environment, apps, environments);
  const store::TimeMs to = util::now_ms();
  const store::TimeMs from = to - static_cast<store::TimeMs>(days) * kDayMs + 1;
  auto report = deploy::compute_dora(history, from, to);
  json rows = json::array();
  for (const auto& row : report.rows) {
    auto view = numbers_json(row.numbers);
    view["app"] = row.app;
    view["environment"] = row.environment;
    rows.push_back(std::move(view));
  }
  json daily = json::array();
  for (const auto& day : report.daily) {
    daily.push_back({{"date", day.date}, {"deployments", day.deployments}, {"failures", day.failures}});
  }
  return json_response(200, {{"days", days},
                             {"from", util::format_rfc3339(from)},
                             {"to", util::format_rfc3339(to)},
                             {"app", app},
                             {"environment", environment},
                             {"apps", apps},
                             {"environments", environments},
                             {"totals", numbers_json(report.totals)},
                             {"rows", std::move(rows)},
                             {"daily", std::move(daily)}});
}

}  // namespace

std::optional<Response> handle_dashboard_api(ServerContext& context, const Request& request,
                                             const std::vector<std::string>& segments) {
  if (segments.size() != 1 || (segments[0] != "overview" && segments[0] != "dora")) return std::nullopt;
  require_method(request, {beast_http::verb::get});
  context.auth.require(Credentials::of(request), store::Role::viewer);
  return segments[0] == "overview" ? overview(context) : dora(context, request);
}

}  // namespace slipway::http
