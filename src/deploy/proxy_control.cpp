#include "deploy/proxy_control.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "deploy/release_plan.h"
#include "util/strings.h"

namespace slipway::deploy {

bool is_primary_environment(const std::vector<store::LiveRelease>& live_of_app, const std::string& environment) {
  if (environment == "production") return true;
  for (const auto& live : live_of_app) {
    if (live.environment == "production") return false;
  }
  return live_of_app.size() == 1 && live_of_app.front().environment == environment;
}

ProxyControl::ProxyControl(proxy::NginxProxy proxy, store::HomeLayout layout)
    : proxy_(std::move(proxy)), layout_(std::move(layout)) {}

void ProxyControl::start(store::Store& store) {
  std::lock_guard lock(mutex_);
  auto current = sites(store);
  // A daemon that only runs pipelines needs no nginx: it starts with the first live app.
  if (current.empty() && !proxy_.master_pid()) return;
  proxy_.start(current);
}

util::Expected<void> ProxyControl::apply(store::Store& store) {
  std::lock_guard lock(mutex_);
  try {
    if (proxy_.master_pid()) return proxy_.apply(sites(store));
    proxy_.start(sites(store));
  } catch (const std::exception& e) {  // a full disk, a failed spawn: an error like any other
    return util::unexpected(std::string("nginx: ") + e.what());
  }
  return {};
}

std::string host_label(const std::string& name) {
  std::string out = util::to_lower(name);
  std::replace(out.begin(), out.end(), '_', '-');  // names may hold '_', host names may not
  return out;
}

void ProxyControl::stop() {
  std::lock_guard lock(mutex_);
  proxy_.stop();
}

std::string ProxyControl::url(const std::string& app, const std::string& environment, bool primary) const {
  const auto& listen = proxy_.settings().listen;
  const auto colon = listen.rfind(':');
  const std::string port = colon == std::string::npos ? "80" : listen.substr(colon + 1);
  const std::string host =
      primary ? host_label(app) + ".localhost" : host_label(environment) + "." + host_label(app) + ".localhost";
  return "http://" + host + (port == "80" ? "" : ":" + port) + "/";
}

const ProxyControl::ReleaseFacts& ProxyControl::facts(const store::Release& release) {
  if (auto it = facts_.find(release.id); it != facts_.end()) return it->second;
  ReleaseFacts facts;
  auto plan = read_release_plan(release.dir);
  if (plan && !plan->app.static_root.empty()) {
    facts.static_root = (std::filesystem::path(release.dir) / plan->app.static_root).lexically_normal().string();
  } else if (!plan) {
    spdlog::warn("release {} of project {}: {}", release.number, release.project_id, plan.error());
  }
  if (plan) {
    for (const auto& environment : plan->pipeline.environments) {
      if (environment.target == pipeline::Target::ssh || environment.target == pipeline::Target::kubernetes) {
        facts.remote_environments.insert(environment.name);
      }
      // A container serves the app, static files included: nginx proxies to it.
      if (environment.target == pipeline::Target::docker || environment.target == pipeline::Target::compose) {
        facts.container_environments.insert(environment.name);
      }
    }
  }
  return facts_[release.id] = std::move(facts);
}

std::vector<proxy::Site> ProxyControl::sites(store::Store& store) {
  const auto all_live = store.list_live();
  const auto instances = store.list_instances(std::nullopt, true);
  const auto domains = store.list_domains(std::nullopt);
  std::vector<proxy::Site> out;
  for (const auto& live : all_live) {
    auto project = store.find_project(live.project_id);
    auto release = store.find_release(live.release_id);
    if (!project || !release) continue;
    // Environments on other machines (ssh hosts) are not served by this nginx.
    const auto& release_facts = facts(*release);
    if (release_facts.remote_environments.count(live.environment)) continue;
    std::vector<store::LiveRelease> of_app;
    for (const auto& other : all_live) {
      if (other.project_id == live.project_id) of_app.push_back(other);
    }
    const bool primary = is_primary_environment(of_app, live.environment);

    proxy::Site site;
    site.app = project->name;
    site.environment = live.environment;
    site.server_names.push_back(host_label(live.environment) + "." + host_label(project->name) + ".localhost");
    if (primary) {
      site.server_names.insert(site.server_names.begin(), host_label(project->name) + ".localhost");
      for (const auto& [project_id, domain] : domains) {
        if (project_id == live.project_id) site.server_names.push_back(domain);
      }
    }
    if (!release_facts.container_environments.count(live.environment)) site.static_root = release_facts.static_root;
    for (const auto& instance : instances) {
      if (instance.deployment_id == live.deployment_id && instance.process == "web") {
        site.upstream_ports.push_back(instance.port);
        if (!instance.address.empty()) site.upstream_host = instance.address;  // one engine per environment
      }
    }
    out.push_back(std::move(site));
  }
  return out;
}

}  // namespace slipway::deploy
