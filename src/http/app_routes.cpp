#include "http/app_routes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "deploy/app_config.h"
#include "deploy/ssh_identity.h"
#include "pipeline/host_address.h"
#include "http/api_routes.h"
#include "http/deploy_views.h"
#include "http/json_views.h"
#include "http/route_helpers.h"
#include "proxy/domain_name.h"
#include "scm/names.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::http {

namespace {

using nlohmann::json;
using store::Role;
using verb = beast_http::verb;

constexpr int kMaxScale = 20;

store::Project require_app(ServerContext& context, const std::string& name) {
  auto project = context.store.find_project(name);
  if (!project) throw HttpError{404, "no app '" + name + "'"};
  return *project;
}

std::string checked_environment(const std::string& environment) {
  if (!environment.empty() && !scm::valid_project_name(environment)) {
    throw HttpError{400, "invalid environment name '" + environment + "'"};
  }
  return environment;
}

json deployment_view(ServerContext& context, const store::Deployment& d) {
  auto project = context.store.find_project(d.project_id);
  auto view = deployment_json(d, project ? environment_url(context.store, *project, d.environment, context.proxy) : "");
  auto hosts = context.store.list_deployment_hosts(d.id);
  if (!hosts.empty()) {
    view["hosts"] = deployment_hosts_json(hosts);
    view["url"] = "";  // served by the hosts, not by Slipway's nginx
  }
  return view;
}

std::string token_name(const std::optional<store::Token>& token) { return token ? token->name : "anonymous"; }

// The app's ssh identity: its public key (made on first use) and the host keys it pinned.
Response ssh_key(ServerContext& context, const Request& request, const store::Project& project,
                 const std::vector<std::string>& segments) {
  auto identity = deploy::ensure_ssh_identity(context.layout, project.name);
  if (segments.size() == 5 && segments[3] == "known-hosts") {
    require_method(request, {verb::delete_});
    auto address = pipeline::parse_host_address(segments[4]);
    if (!address) throw HttpError{400, address.error()};
    deploy::forget_host_key(identity, address->host, address->port);
    return json_response(200, {{"forgotten", segments[4]}});
  }
  if (segments.size() != 3) throw HttpError{404, "no such resource"};
  require_method(request, {verb::get});
  json known = json::array();
  std::ifstream in(identity.known_hosts);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') known.push_back(line);
  }
  return json_response(200, {{"app", project.name},
                             {"public_key", deploy::public_key(identity)},
                             {"known_hosts", std::move(known)}});
}

Response created(ServerContext& context, util::Expected<store::Deployment> deployment) {
  if (!deployment) throw HttpError{409, deployment.error()};
  return json_response(201, deployment_view(context, *deployment));
}

Response app_logs(ServerContext& context, const Request& request, const store::Project& project) {
  auto environment = checked_environment(request.query_value("environment").value_or(""));
  if (environment.empty()) {
    auto fallback = context.deployments.default_environment(project);
    if (!fallback) throw HttpError{404, fallback.error()};
    environment = *fallback;
  }
  auto process = request.query_value("process");
  if (!process) {
    json processes = json::array();
    std::error_code ec;
    const auto dir = std::filesystem::path(context.layout.process_log(project.name, environment, "x")).parent_path();
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".log") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) processes.push_back(name);
    return json_response(200, {{"environment", environment}, {"processes", std::move(processes)}});
  }
  if (!scm::valid_project_name(*process)) throw HttpError{400, "invalid process name '" + *process + "'"};
  return log_chunk(request, context.layout.process_log(project.name, environment, *process));
}

Response config_list(ServerContext& context, const store::Project& project) {
  auto config = context.store.latest_config(project.id);
  json entries = json::array();
  for (const auto& entry : config.entries) {
    entries.push_back({{"key", entry.key}, {"value", entry.secret ? "****" : entry.value}, {"secret", entry.secret}});
  }
  return json_response(200, {{"config", std::move(entries)}, {"version", config.version}});
}

Response config_change(ServerContext& context, const Request& request, const store::Project& project) {
  auto body = parse_body(request);
  const bool secret = body.value("secret", false);
  auto entries = context.store.latest_config(project.id).entries;
  bool changed = false;
  if (auto set = body.find("set"); set != body.end()) {
    if (!set->is_object()) throw HttpError{400, "'set' must be an object of KEY: VALUE"};
    for (const auto& [key, value] : set->items()) {
      std::string problem;
      if (!deploy::valid_config_key(key, problem)) throw HttpError{400, problem};
      if (!value.is_string()) throw HttpError{400, "the value of " + key + " must be a string"};
      std::string text = value.get<std::string>();
      if (text.find('\0') != std::string::npos) throw HttpError{400, "the value of " + key + " contains a NUL byte"};
      std::erase_if(entries, [&](const store::ConfigEntry& e) { return e.key == key; });
      entries.push_back({key, secret ? context.secrets.seal(text) : text, secret});
      changed = true;
    }
  }
  if (auto unset = body.find("unset"); unset != body.end()) {
    if (!unset->is_array()) throw HttpError{400, "'unset' must be a list of keys"};
    for (const auto& key : *unset) {
      if (!key.is_string()) throw HttpError{400, "'unset' must be a list of keys"};
      auto before = entries.size();
      std::erase_if(entries, [&](const store::ConfigEntry& e) { return e.key == key.get<std::string>(); });
      changed = changed || entries.size() != before;
    }
  }
  if (!changed) {
    return json_response(200, {{"version", context.store.latest_config(project.id).version},
                               {"deployments", json::array()}});
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  const int version = context.store.save_config(project.id, entries);
  json deployments = json::array();
  for (const auto& d : context.deployments.config_changed(project, version)) {
    deployments.push_back(deployment_view(context, d));
  }
  return json_response(200, {{"version", version}, {"deployments", std::move(deployments)}});
}

Response formation_view(ServerContext& context, const store::Project& project) {
  json formation = json::object();
  for (const auto& [process, count] : context.store.formation(project.id)) formation[process] = count;
  json instances = json::array();
  for (const auto& instance : context.store.list_instances(project.id, true)) {
    auto release = context.store.find_release(instance.release_id);
    instances.push_back(instance_json(instance, release ? release->number : 0));
  }
  return json_response(200, {{"formation", std::move(formation)}, {"instances", std::move(instances)}});
}

Response scale(ServerContext& context, const Request& request, const store::Project& project) {
  auto body = parse_body(request);
  auto counts = body.find("scale");
  if (counts == body.end() || !counts->is_object() || counts->empty()) {
    throw HttpError{400, "body must be {\"scale\": {\"web\": N, ...}}"};
  }
  store::Formation formation;
  for (const auto& [process, count] : counts->items()) {
    if (!scm::valid_project_name(process)) throw HttpError{400, "invalid process name '" + process + "'"};
    if (!count.is_number_integer() || count.get<long long>() < 0 || count.get<long long>() > kMaxScale) {
      throw HttpError{400, "the count of " + process + " must be between 0 and " + std::to_string(kMaxScale)};
    }
    formation[process] = count.get<int>();
  }
  context.store.set_formation(project.id, formation);
  json deployments = json::array();
  for (const auto& d : context.deployments.formation_changed(project)) deployments.push_back(deployment_view(context, d));
  json all = json::object();
  for (const auto& [process, count] : context.store.formation(project.id)) all[process] = count;
  return json_response(200, {{"formation", std::move(all)}, {"deployments", std::move(deployments)}});
}

Response domains(ServerContext& context, const Request& request, const store::Project& project,
                 const std::optional<std::string>& removed) {
  if (removed) {
    if (!context.store.remove_domain(project.id, *removed)) {
      throw HttpError{404, "app '" + project.name + "' has no domain '" + *removed + "'"};
    }
  } else if (request.method() == verb::post) {
    auto domain = proxy::validate_domain(string_field(parse_body(request), "domain"));
    if (!domain) throw HttpError{400, domain.error()};
    if (domain->ends_with(".localhost")) {
      throw HttpError{400, "'" + *domain + "' is one of Slipway's own names (APP.localhost, ENV.APP.localhost)"};
    }
    if (!context.store.add_domain(project.id, *domain)) {
      std::string owner = "another app";
      for (const auto& [id, name] : context.store.list_domains(std::nullopt)) {
        if (name != *domain) continue;
        if (auto other = context.store.find_project(id)) owner = "app '" + other->name + "'";
      }
      throw HttpError{409, "domain '" + *domain + "' is already used by " + owner};
    }
    if (auto applied = context.proxy.apply(context.store); !applied) {
      context.store.remove_domain(project.id, *domain);
      throw HttpError{400, "nginx refused the domain: " + applied.error()};
    }
    return json_response(201, {{"domain", *domain}});
  }
  if (removed) {
    if (auto applied = context.proxy.apply(context.store); !applied) throw HttpError{500, applied.error()};
    return text_response(204, "");
  }
  json list = json::array();
  for (const auto& [id, domain] : context.store.list_domains(project.id)) list.push_back(domain);
  return json_response(200, {{"domains", std::move(list)}});
}

Response deploy(ServerContext& context, const Request& request, const store::Project& project) {
  auto body = parse_body(request);
  auto environment = checked_environment(string_field(body, "environment"));
  const int release = int_field(body, "release");
  const std::string ref = string_field(body, "ref");
  if (release > 0 && !ref.empty()) throw HttpError{400, "give either 'release' or 'ref', not both"};
  if (!ref.empty()) {
    if (environment.empty()) {
      auto fallback = context.deployments.default_environment(project);
      if (!fallback) throw HttpError{409, fallback.error()};
      environment = *fallback;
    }
    auto run = start_manual_run(context, project, ref);
    context.deployments.deploy_when_passed(run.id, environment);
    return json_response(201, {{"run", run_json(run)}, {"environment", environment}});
  }
  return created(context, context.deployments.deploy_release(project, environment, release, "manual"));
}

}  // namespace

std::optional<Response> handle_app_api(ServerContext& context, const Request& request,
                                       const std::vector<std::string>& segments) {
  const auto auth = Credentials::of(request);
  const auto n = segments.size();
  auto is = [&](std::size_t i, const char* text) { return i < n && segments[i] == text; };

  if (is(0, "deployments") && n >= 2) {
    require_method(request, {verb::get});
    context.auth.require(auth, Role::viewer);
    auto deployment = context.store.find_deployment(parse_id(segments[1], "deployment id"));
    if (!deployment) throw HttpError{404, "no deployment " + segments[1]};
    if (n == 2) return json_response(200, deployment_view(context, *deployment));
    if (n == 3 && is(2, "log")) return log_chunk(request, context.layout.deployment_log(deployment->id));
    return std::nullopt;
  }
  if (!is(0, "apps")) return std::nullopt;
  if (n == 1) {
    require_method(request, {verb::get});
    context.auth.require(auth, Role::viewer);
    json list = json::array();
    for (const auto& project : context.store.list_projects()) list.push_back(app_json(context.store, project, context.proxy));
    return json_response(200, {{"apps", std::move(list)}});
  }
  context.auth.require(auth, Role::viewer);  // before the name is looked up: no probing without a token
  const auto project = require_app(context, segments[1]);
  if (n == 2) {
    require_method(request, {verb::get});
    context.auth.require(auth, Role::viewer);
    auto app = app_json(context.store, project, context.proxy);
    app["instances"] = json::parse(formation_view(context, project).body())["instances"];
    return json_response(200, app);
  }
  const std::string& what = segments[2];
  if (n == 3 && what == "releases") {
    require_method(request, {verb::get});
    context.auth.require(auth, Role::viewer);
    auto live = context.store.list_live();
    auto environment = checked_environment(request.query_value("environment").value_or(""));
    const auto held = environment.empty() ? std::vector<store::HostRelease>{}
                                          : context.store.list_host_releases(project.id, environment);
    json list = json::array();
    for (const auto& release : context.store.list_releases(project.id)) {
      auto view = release_json(release, live);
      if (!held.empty()) view["hosts"] = host_releases_json(release, held);
      list.push_back(std::move(view));
    }
    return json_response(200, {{"releases", std::move(list)}});
  }
  if (n == 3 && what == "deployments") {
    require_method(request, {verb::get});
    context.auth.require(auth, Role::viewer);
    store::DeploymentFilter filter;
    filter.project_id = project.id;
    if (auto environment = request.query_value("environment")) filter.environment = checked_environment(*environment);
    if (auto limit = request.query_value("limit")) {
      unsigned long long value = 0;
      if (!util::parse_uint(*limit, value) || value < 1 || value > 500) throw HttpError{400, "'limit' must be 1-500"};
      filter.limit = static_cast<int>(value);
    }
    json list = json::array();
    for (const auto& d : context.store.list_deployments(filter)) list.push_back(deployment_view(context, d));
    return json_response(200, {{"deployments", std::move(list)}});
  }
  if (n == 3 && what == "deploy") {
    require_method(request, {verb::post});
    context.auth.require(auth, Role::deployer);
    return deploy(context, request, project);
  }
  if (n == 3 && what == "rollback") {
    require_method(request, {verb::post});
    context.auth.require(auth, Role::deployer);
    auto body = parse_body(request);
    return created(context, context.deployments.rollback(project, checked_environment(string_field(body, "environment")),
                                                         int_field(body, "to")));
  }
  if (n == 3 && (what == "approve" || what == "reject")) {
    require_method(request, {verb::post});
    auto token = context.auth.require(auth, Role::deployer);
    auto body = parse_body(request);
    auto environment = checked_environment(string_field(body, "environment"));
    if (environment.empty()) throw HttpError{400, "'environment' is required"};
    auto done = what == "approve"
                    ? context.deployments.approve(project, environment, token_name(token))
                    : context.deployments.reject(project, environment, token_name(token), string_field(body, "reason"));
    if (!done) throw HttpError{409, done.error()};
    return json_response(200, deployment_view(context, *done));
  }
  if (what == "ssh-key" && (n == 3 || n == 5)) {
    context.auth.require(auth, n == 3 ? Role::viewer : Role::admin);
    return ssh_key(context, request, project, segments);
  }
  if (what == "config" && n <= 4) {
    if (n == 4) {
      require_method(request, {verb::get});
      context.auth.require(auth, Role::viewer);
      for (const auto& entry : context.store.latest_config(project.id).entries) {
        if (entry.key == segments[3]) {
          return json_response(200, {{"key", entry.key}, {"value", entry.secret ? "****" : entry.value},
                                     {"secret", entry.secret}});
        }
      }
      throw HttpError{404, "app '" + project.name + "' has no config " + segments[3]};
    }
    require_method(request, {verb::get, verb::put});
    context.auth.require(auth, request.method() == verb::get ? Role::viewer : Role::admin);
    if (request.method() == verb::get) return config_list(context, project);
    return config_change(context, request, project);
  }
  if (n == 3 && what == "ps") {
    require_method(request, {verb::get, verb::put});
    context.auth.require(auth, request.method() == verb::get ? Role::viewer : Role::deployer);
    if (request.method() == verb::get) return formation_view(context, project);
    return scale(context, request, project);
  }
  if (what == "domains" && (n == 3 || n == 4)) {
    if (n == 4) {
      require_method(request, {verb::delete_});
    } else {
      require_method(request, {verb::get, verb::post});
    }
    context.auth.require(auth, request.method() == verb::get ? Role::viewer : Role::admin);
    return domains(context, request, project, n == 4 ? std::optional<std::string>(segments[3]) : std::nullopt);
  }
  if (n == 3 && what == "logs") {
    require_method(request, {verb::get});
    context.auth.require(auth, Role::viewer);
    return app_logs(context, request, project);
  }
  return std::nullopt;
}

}  // namespace slipway::http
