#include "http/deploy_views.h"

#include <filesystem>
#include <set>

#include "exec/instance_spec.h"
#include "util/clock.h"

namespace slipway::http {

namespace {

using nlohmann::json;

json time_or_null(store::TimeMs ms) { return ms == 0 ? json(nullptr) : json(util::format_rfc3339(ms)); }

std::vector<store::LiveRelease> live_of(store::Store& store, store::Id project_id) {
  std::vector<store::LiveRelease> out;
  for (const auto& live : store.list_live()) {
    if (live.project_id == project_id) out.push_back(live);
  }
  return out;
}

}  // namespace

json release_json(const store::Release& release, const std::vector<store::LiveRelease>& live) {
  json current_in = json::array();
  for (const auto& l : live) {
    if (l.release_id == release.id) current_in.push_back(l.environment);
  }
  return {{"number", release.number},
          {"commit", release.commit},
          {"run", release.run_id == 0 ? json(nullptr) : json(release.run_id)},
          {"config_version", release.config_version},
          {"app_type", release.app_type},
          {"created_at", time_or_null(release.created_at)},
          {"pruned", !std::filesystem::exists(release.dir)},
          {"current_in", std::move(current_in)}};
}

json deployment_json(const store::Deployment& d, const std::string& url) {
  return {{"id", d.id},
          {"app", d.project},
          {"environment", d.environment},
          {"kind", d.kind},
          {"release", d.release_number},
          {"previous_release", d.previous_release_number == 0 ? json(nullptr) : json(d.previous_release_number)},
          {"status", store::to_string(d.status)},
          {"reason", d.reason},
          {"trigger", d.trigger},
          {"created_at", time_or_null(d.created_at)},
          {"started_at", time_or_null(d.started_at)},
          {"finished_at", time_or_null(d.finished_at)},
          {"approved_by", d.approved_by.empty() ? json(nullptr) : json(d.approved_by)},
          {"url", url}};
}

json deployment_hosts_json(const std::vector<store::DeploymentHost>& hosts) {
  json list = json::array();
  for (const auto& h : hosts) {
    list.push_back({{"host", h.host},
                    {"status", h.status},
                    {"detail", h.detail},
                    {"bytes_sent", h.bytes_sent},
                    {"updated_at", time_or_null(h.updated_at)}});
  }
  return list;
}

json host_releases_json(const store::Release& release, const std::vector<store::HostRelease>& held) {
  json list = json::array();
  for (const auto& h : held) {
    if (h.release_id == release.id) list.push_back({{"host", h.host}, {"live", h.live}});
  }
  return list;
}

json instance_json(const store::Instance& instance, int release_number) {
  json out = {{"id", instance.id},
              {"environment", instance.environment},
              {"release", release_number},
              {"process", instance.process},
              {"index", instance.index},
              {"port", instance.port},
              {"status", "starting"},
              {"pid", nullptr},
              {"restarts", 0}};
  if (!instance.container.empty()) {
    out["status"] = instance_status(instance);
    out["container"] = instance.container;
    if (!instance.compose_project.empty()) out["compose_project"] = instance.compose_project;
    return out;
  }
  if (auto state = exec::read_state(instance.dir)) {
    out["status"] = exec::to_string(state->status);
    out["pid"] = state->pid == 0 ? json(nullptr) : json(state->pid);
    out["restarts"] = state->restarts;
    out["last_exit"] = state->last_exit;
  }
  return out;
}

std::string instance_status(const store::Instance& instance) {
  // A container is not asked on every request (a docker call blocks): healthy when
  // deployed, and the engine's restart policy keeps it running.
  if (!instance.container.empty()) return "running";
  auto state = exec::read_state(instance.dir);
  return state ? exec::to_string(state->status) : "starting";
}

std::string environment_url(store::Store& store, const store::Project& project, const std::string& environment,
                            const deploy::ProxyControl& proxy) {
  auto live = live_of(store, project.id);
  bool primary = environment == "production" || live.empty() || deploy::is_primary_environment(live, environment);
  return proxy.url(project.name, environment, primary);
}

json app_json(store::Store& store, const store::Project& project, const deploy::ProxyControl& proxy) {
  const auto live = live_of(store, project.id);
  const auto instances = store.list_instances(project.id, true);
  json domains = json::array();
  for (const auto& [id, domain] : store.list_domains(project.id)) domains.push_back(domain);
  json environments = json::array();
  for (const auto& l : live) {
    auto release = store.find_release(l.release_id);
    std::string status = "running";
    int web = 0, up = 0;
    for (const auto& instance : instances) {
      if (instance.deployment_id != l.deployment_id) continue;
      ++web;
      auto state = exec::read_state(instance.dir);
      if (state && state->status == exec::InstanceStatus::running) ++up;
      if (state && state->status == exec::InstanceStatus::crashed) status = "crashed";
    }
    if (web > 0 && up == 0 && status != "crashed") status = "starting";
    if (release && !release->app_type.empty() && (release->app_type == "static" || release->app_type == "node-static")) {
      status = "running";  // served by nginx itself
    } else if (web == 0) {
      status = "stopped";
    }
    const bool primary = deploy::is_primary_environment(live, l.environment);
    environments.push_back({{"name", l.environment},
                            {"release", l.release_number},
                            {"commit", release ? release->commit : ""},
                            {"status", status},
                            {"url", proxy.url(project.name, l.environment, primary)},
                            {"since", time_or_null(l.since)},
                            {"domains", primary ? domains : json::array()}});
  }
  // Environments with no live release yet: what their newest deployment is doing,
  // so that a first deployment that failed does not look like "never deployed".
  store::DeploymentFilter filter;
  filter.project_id = project.id;
  filter.limit = 200;
  std::set<std::string> seen;
  for (const auto& l : live) seen.insert(l.environment);
  for (const auto& d : store.list_deployments(filter)) {
    if (!seen.insert(d.environment).second) continue;
    const bool busy = !store::is_finished(d.status);
    environments.push_back({{"name", d.environment},
                            {"release", nullptr},
                            {"commit", ""},
                            {"status", busy ? std::string("deploying") : std::string(store::to_string(d.status))},
                            {"deployment", d.id},
                            {"url", nullptr},
                            {"since", nullptr},
                            {"domains", json::array()}});
  }
  return {{"name", project.name}, {"environments", std::move(environments)}};
}

}  // namespace slipway::http
