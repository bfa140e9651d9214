#include "deploy/docker_deployment.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/stat.h>

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "deploy/compose_file.h"
#include "deploy/health_check.h"
#include "deploy/ssh_identity.h"
#include "deploy/instance_retirement.h"
#include "pipeline/dockerfile.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::deploy {

namespace {

using namespace std::chrono_literals;

constexpr const char* kRegistryUser = "REGISTRY_USERNAME";
constexpr const char* kRegistryPassword = "REGISTRY_PASSWORD";

std::string value_of(const std::vector<std::string>& env, const std::string& name) {
  for (const auto& entry : env) {
    if (entry.rfind(name + "=", 0) == 0) return entry.substr(name.size() + 1);
  }
  return "";
}

// "127.0.0.1:49153" -> {"127.0.0.1", 49153}
std::pair<std::string, int> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) throw util::Error("unexpected published address '" + address + "'");
  std::string host = address.substr(0, colon);
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  return {host, std::stoi(address.substr(colon + 1))};
}

// The app's service in the rendered compose FILE of release NUMBER (render_compose labels it).
std::string app_service_of(const std::string& file, int number) {
  auto rendered = YAML::LoadFile(file);
  for (auto it = rendered["services"].begin(); it != rendered["services"].end(); ++it) {
    auto release = it->second["labels"]["slipway.release"];
    if (release && release.as<std::string>() == std::to_string(number)) return it->first.as<std::string>();
  }
  throw DeployFailure{"the compose file " + file + " has no service of release " + std::to_string(number)};
}

// The container of SERVICE in the stack PROJECT of FILE, and the loopback port it publishes PORT on (0: its first).
std::pair<std::string, int> compose_container(const exec::DockerCli& docker, const std::string& project,
                                              const std::string& file, const std::string& service, int port) {
  auto id = docker.compose({"-p", project, "-f", file, "ps", "-q", service}, 1min);
  const std::string container_id(util::trim(id.output));
  if (!id.ok() || container_id.empty()) throw DeployFailure{"the stack has no running " + service + " container"};
  std::string name(util::trim(docker.check({"inspect", "--format", "{{.Name}}", container_id})));
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  auto address = docker.published_address(name, port);
  if (!address) throw DeployFailure{service + " publishes no port " + std::to_string(port)};
  return {name, split_address(*address).second};
}

// HOST's first IPv4 address: where a remote engine publishes ports for this machine's nginx.
std::string ipv4_address_of(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
    throw DeployFailure{"docker_host: cannot resolve " + host + ": " + ::gai_strerror(rc)};
  }
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr, text, sizeof text);
  ::freeaddrinfo(found);
  return text;
}

}  // namespace

DockerDeployment::DockerDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                                   const std::atomic<bool>& stopping)
    : DeploymentRun(services, store, std::move(deployment), stopping) {}

bool DockerDeployment::has_dockerfile() const {
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path(release_.dir) / "Dockerfile", ec);
}

// The repository's Dockerfile builds everything itself; a generated one copies a static build's
// output, which is made here first (a Node server's dependencies are installed in the image).
bool DockerDeployment::builds_on_this_machine() const {
  return !has_dockerfile() && plan_.app.type == pipeline::AppType::node_static;
}

void DockerDeployment::abandon() {
  if (compose_applied_ && !switched_) {
    // Compose replaced the app's container in place: put the previous release's stack back.
    const auto previous = previous_ ? rendered_compose_path(previous_->release_number) : "";
    std::error_code ec;
    if (!previous.empty() && std::filesystem::exists(previous, ec)) {
      try {
        if (log_) log_->line("applying release " + std::to_string(previous_->release_number) + "'s compose file again");
        compose_up(previous);
        const auto service = app_service_of(previous, previous_->release_number);
        for (auto instance : store_.list_instances(project_.id, true)) {
          if (instance.environment != deployment_.environment || instance.deployment_id == deployment_.id) continue;
          // The previous container was recreated: its published port may be another.
          std::tie(instance.container, instance.port) =
              compose_container(*docker_, compose_project(), previous, service, environment_->port);
          store_.update_instance(instance);
        }
        auto restored = services_.proxy.apply(store_);
        if (!restored && log_) log_->line("warning: " + restored.error());
      } catch (const std::exception& e) {
        if (log_) log_->line(std::string("warning: could not restore the previous stack: ") + e.what());
      }
    } else if (docker_ && log_) {
      log_->line("no previous release: stopping the stack");
      docker_->compose({"-p", compose_project(), "down", "--remove-orphans"}, 2min);
    }
    for (auto& instance : started_) {
      instance.active = false;
      store_.update_instance(instance);
    }
    started_.clear();
    return;
  }
  if (switched_ || started_.empty()) return;
  for (const auto& warning : retire_instances(store_, services_.layout, started_, services_.settings.stop_grace)) {
    if (log_) log_->line("warning: " + warning);
  }
  if (log_) log_->line(fmt::format("removed the {} new container(s)", started_.size()));
  started_.clear();
}

void DockerDeployment::execute() {
  if (!environment_->docker_address.host.empty()) {
    if (environment_->target == pipeline::Target::compose) {
      throw DeployFailure{"target compose needs the engine on this machine; docker_host " + environment_->docker_host +
                          " works with target docker"};
    }
    // A remote engine publishes the port on its own address, where this machine's nginx reaches it.
    address_ = ipv4_address_of(environment_->docker_address.host);
  }
  prepare_engine();
  if (!reuse_image()) build_image();
  if (stopping_) throw DeployInterrupted{};
  push_image();
  if (environment_->target == pipeline::Target::compose) {
    execute_compose();
    return;
  }
  if (environment_->manual_approval && deployment_.approved_by.empty() && deployment_.kind == "deploy") {
    log_->line("approval: manual: the image is built; waiting until someone runs `slipway approve " + project_.name +
               " " + deployment_.environment + "`");
    park();
    return;
  }
  if (plan_.app.release_command && deployment_.kind != "rollback" && deployment_.kind != "scale") {
    run_release_command();
  }
  if (stopping_) throw DeployInterrupted{};
  start_containers();
  for (const auto& instance : started_) wait_until_healthy(instance);
  if (stopping_) throw DeployInterrupted{};
  switch_traffic();
  try {
    drain_and_stop_previous();
    prune_releases();
    prune_images();
  } catch (const std::exception& e) {
    log_->line(std::string("warning: after the switch: ") + e.what());
  }
}

// The engine, the image names, and the registry login when the app's config has credentials.
void DockerDeployment::prepare_engine() {
  home_label_ = exec::docker_home_label(services_.layout.home());
  repository_ = (environment_->registry.empty() ? "" : environment_->registry + "/") + project_.name;
  commit_tag_ = repository_ + ":" + release_.commit.substr(0, 7);
  release_tag_ = repository_ + ":" + std::to_string(release_.number);

  std::vector<std::string> cli_env;
  // The values of `docker run -e NAME`: from the CLI's environment, never its command line.
  for (const auto& entry : process_env(environment_->port)) cli_env.push_back(entry);
  const std::string user = value_of(config_env_, kRegistryUser);
  const std::string password = value_of(config_env_, kRegistryPassword);
  std::string docker_config;
  if (!user.empty() && !password.empty() && !environment_->registry.empty()) {
    // The app's own credentials store: never this machine's ~/.docker, never shared between apps.
    docker_config = services_.layout.app_environment(project_.name, deployment_.environment) + "/docker-config";
    std::filesystem::create_directories(docker_config);
    ::chmod(docker_config.c_str(), 0700);
    cli_env.push_back("DOCKER_CONFIG=" + docker_config);
  }
  docker_ = std::make_unique<exec::DockerCli>(
      docker_engine(services_.layout, project_.name, environment_->docker_host, cli_env));
  auto version = docker_->run({"version", "--format", "{{.Server.Version}}"}, {}, 30s, &stopping_);
  if (!version.ok()) {
    throw DeployFailure{"no Docker engine answers" +
                        (environment_->docker_host.empty() ? std::string() : " at " + environment_->docker_host) +
                        ": " + exec::last_line(version.output)};
  }
  log_->line("docker engine " + std::string(util::trim(version.output)) +
             (environment_->docker_host.empty() ? "" : " at " + environment_->docker_host));
  if (!docker_config.empty()) {
    docker_->check({"login", "--username", user, "--password-stdin", environment_->registry}, password, 60s, &stopping_);
    log_->line("logged in to " + environment_->registry + " as " + user);
  }
}

// A release whose image exists (a rollback, a config change, a scale, the same commit again)
// is not built twice.
bool DockerDeployment::reuse_image() {
  // Only an image made from this very commit: a tag like APP:1 may be left by another Slipway home.
  auto built_from = [&](const std::string& tag) {
    auto label = docker_->run({"image", "inspect", "--format", "{{index .Config.Labels \"slipway.commit\"}}", tag}, {}, 30s);
    return label.ok() && util::trim(label.output) == release_.commit;
  };
  if (built_from(release_tag_)) {
    log_->line("image " + release_tag_ + " exists: not rebuilt");
    return true;
  }
  if (built_from(commit_tag_)) {
    docker_->check({"tag", commit_tag_, release_tag_});
    log_->line("image " + commit_tag_ + " exists: tagged " + release_tag_ + ", not rebuilt");
    return true;
  }
  if (deployment_.kind != "deploy" && !environment_->registry.empty() &&
      docker_->run({"pull", release_tag_}, {}, services_.settings.command_timeout, &stopping_).ok() &&
      built_from(release_tag_)) {
    log_->line("pulled " + release_tag_ + " from the registry");
    return true;
  }
  return false;
}

void DockerDeployment::build_image() {
  std::string dockerfile = std::filesystem::path(release_.dir) / "Dockerfile";
  if (has_dockerfile()) {
    log_->line("building " + commit_tag_ + " with the repository's Dockerfile");
    if (auto text = util::read_file(dockerfile)) {
      for (const auto& warning : pipeline::dockerfile_warnings(*text)) log_->line("warning: " + warning);
    }
  } else {
    auto generated = pipeline::generate_dockerfile(release_.dir, plan_.app, plan_.pipeline.build, environment_->port);
    if (!generated) throw DeployFailure{generated.error()};
    // Beside the release, not in it: the release tree stays what the commit holds.
    const auto dir = services_.layout.app_environment(project_.name, deployment_.environment) + "/dockerfiles";
    std::filesystem::create_directories(dir);
    dockerfile = dir + "/Dockerfile." + std::to_string(release_.number);
    std::ofstream(dockerfile) << generated->text;
    log_->line("no Dockerfile in the repository: wrote one for " + generated->description);
    log_->output(generated->text);
  }
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> args = {"build", "--file", dockerfile, "--tag", commit_tag_, "--tag", release_tag_};
  for (const auto& label : exec::label_arguments({{"slipway.home", home_label_},
                                                  {"slipway.app", project_.name},
                                                  {"slipway.commit", release_.commit}})) {
    args.push_back(label);
  }
  args.push_back(release_.dir);
  auto result = docker_->run(args, {}, services_.settings.command_timeout, &stopping_);
  log_->output(result.output);
  if (result.stopped) throw DeployInterrupted{};
  if (!result.ok()) {
    throw DeployFailure{"docker build failed: " + (result.timed_out ? std::string("timed out") : exec::last_line(result.output))};
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  log_->line(fmt::format("built {} and {} in {} ms", commit_tag_, release_tag_, took.count()));
}

void DockerDeployment::push_image() {
  if (environment_->registry.empty()) return;
  for (const auto& tag : {commit_tag_, release_tag_}) {
    auto result = docker_->run({"push", tag}, {}, services_.settings.command_timeout, &stopping_);
    if (result.stopped) throw DeployInterrupted{};
    if (!result.ok()) throw DeployFailure{"docker push " + tag + " failed: " + exec::last_line(result.output)};
  }
  log_->line("pushed " + commit_tag_ + " and " + release_tag_);
}

std::vector<std::string> DockerDeployment::env_arguments() const {
  std::vector<std::string> args;
  std::set<std::string> base;
  for (const auto& entry : services_.settings.base_env) base.insert(entry.substr(0, entry.find('=')));
  for (const auto& entry : process_env(environment_->port)) {
    const auto name = entry.substr(0, entry.find('='));
    // This machine's PATH, HOME, ... are not the image's; the registry login is Slipway's.
    bool configured = false;
    for (const auto& setting : config_env_) configured = configured || setting.rfind(name + "=", 0) == 0;
    if ((base.count(name) && !configured) || name == kRegistryUser || name == kRegistryPassword) continue;
    args.push_back("--env");
    args.push_back(name);
  }
  return args;
}

void DockerDeployment::run_release_command() {
  log_->line("release command (in a container of " + release_tag_ + "): " + *plan_.app.release_command);
  std::vector<std::string> args = {"run", "--rm", "--label", "slipway.home=" + home_label_};
  auto env = env_arguments();
  args.insert(args.end(), env.begin(), env.end());
  args.insert(args.end(), {release_tag_, "/bin/sh", "-c", *plan_.app.release_command});
  auto result = docker_->run(args, {}, services_.settings.command_timeout, &stopping_);
  log_->output(result.output);
  if (result.stopped) throw DeployInterrupted{};
  if (!result.ok()) throw DeployFailure{"release command failed: " + exec::last_line(result.output)};
}

void DockerDeployment::start_containers() {
  const auto formation = store_.formation(project_.id);
  for (const auto& process : plan_.app.processes) {
    if (process.name != "web") {
      log_->line("warning: the container runs the image's command as web; process '" + process.name +
                 "' of the Procfile is not run (give it a compose service)");
    }
  }
  auto wanted = formation.find("web");
  const int count = wanted == formation.end() ? 1 : std::max(1, wanted->second);
  for (int index = 1; index <= count; ++index) {
    store::Instance instance;
    instance.project_id = project_.id;
    instance.environment = deployment_.environment;
    instance.deployment_id = deployment_.id;
    instance.release_id = release_.id;
    instance.process = "web";
    instance.index = index;
    instance.container = fmt::format("slipway-{}-{}-{}-d{}-web-{}", home_label_.substr(0, 8), project_.name,
                                     deployment_.environment, deployment_.id, index);
    instance.docker_host = environment_->docker_host;
    // Recorded before it exists, so that a crash leaves no container nobody knows of.
    instance = store_.create_instance(instance);
    started_.push_back(instance);

    // --init: a small init as PID 1 passes on docker stop's SIGTERM, also to apps not written to be PID 1.
    std::vector<std::string> args = {"run", "--detach", "--init", "--name", instance.container, "--restart", "unless-stopped",
                                     "--publish",
                                     (address_.empty() ? "127.0.0.1" : address_) + "::" + std::to_string(environment_->port)};
    for (const auto& label : exec::label_arguments({{"slipway.home", home_label_},
                                                    {"slipway.app", project_.name},
                                                    {"slipway.environment", deployment_.environment},
                                                    {"slipway.release", std::to_string(release_.number)},
                                                    {"slipway.deployment", std::to_string(deployment_.id)}})) {
      args.push_back(label);
    }
    auto env = env_arguments();
    args.insert(args.end(), env.begin(), env.end());
    args.push_back(release_tag_);
    auto result = docker_->run(args, {}, 2min, &stopping_);
    if (result.stopped) throw DeployInterrupted{};
    if (!result.ok()) throw DeployFailure{"docker run failed: " + exec::last_line(result.output)};
    auto address = docker_->published_address(instance.container, environment_->port);
    if (!address) {
      throw DeployFailure{fmt::format("container {} publishes no port {}", instance.container, environment_->port),
                          container_logs(instance.container)};
    }
    started_.back().port = split_address(*address).second;
    started_.back().address = address_;
    store_.update_instance(started_.back());
    log_->line(fmt::format("started {} ({}) on {}", instance.container, release_tag_, *address));
  }
}

void DockerDeployment::wait_until_healthy(const store::Instance& instance) {
  const auto& health = environment_->health;
  const auto deadline = std::chrono::steady_clock::now() + health.timeout;
  // Whether the container still runs, and its HEALTHCHECK's verdict when the image has one.
  auto state = [&]() {
    auto result = docker_->run({"inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}",
                                instance.container},
                               {}, 30s);
    return std::string(util::trim(result.output));
  };
  auto exited = [&]() -> std::optional<std::string> {
    if (stopping_) return std::string("slipway is stopping");
    auto now = state();
    if (now.rfind("running", 0) == 0 || now.rfind("created", 0) == 0) return std::nullopt;
    return "the container is " + now;
  };
  if (health.path.empty() &&
      util::trim(docker_->check({"image", "inspect", "--format", "{{if .Config.Healthcheck}}yes{{end}}", release_tag_})) ==
          "yes") {
    log_->line(fmt::format("waiting for {} to report healthy (its image's HEALTHCHECK, up to {}s)", instance.container,
                           health.timeout.count() / 1000));
    for (;;) {
      auto now = state();
      if (now == "running healthy") break;
      if (stopping_) throw DeployInterrupted{};
      if (now.rfind("running", 0) != 0 || now == "running unhealthy" || std::chrono::steady_clock::now() > deadline) {
        throw DeployFailure{"health check failed for " + instance.container + ": " +
                                (std::chrono::steady_clock::now() > deadline ? "still " + now + " after the timeout"
                                                                             : "it is " + now),
                            container_logs(instance.container)};
      }
      std::this_thread::sleep_for(200ms);
    }
    log_->line(instance.container + " is healthy (HEALTHCHECK)");
    return;
  }
  HealthProbe probe;
  if (!instance.address.empty()) probe.host = instance.address;
  probe.port = instance.port;
  probe.path = health.path;
  probe.host_header = project_.name + ".localhost";
  log_->line(fmt::format("waiting for {} to answer {} (up to {}s)", instance.container,
                         health.path.empty() ? std::string("a TCP connection") : "GET " + health.path,
                         health.timeout.count() / 1000));
  auto result = wait_healthy(probe, health.timeout, exited);
  if (stopping_) throw DeployInterrupted{};
  if (!result.healthy) {
    throw DeployFailure{"health check failed for " + instance.container + ": " + result.detail,
                        container_logs(instance.container)};
  }
  log_->line(instance.container + " is healthy: " + result.detail);
}

std::string DockerDeployment::container_logs(const std::string& name) const {
  auto result = docker_->run({"logs", "--tail", "20", name}, {}, 30s);
  std::string out(util::trim(result.output));
  return out;
}

void DockerDeployment::switch_traffic() {
  store_.set_live(live_record());
  auto applied = services_.proxy.apply(store_);
  if (!applied) {
    if (previous_) {
      store_.set_live(*previous_);
    } else {
      store_.clear_live(project_.id, deployment_.environment);
    }
    if (auto restored = services_.proxy.apply(store_); !restored) {
      log_->line("warning: could not restore the proxy configuration: " + restored.error());
    }
    throw DeployFailure{"the proxy refused the new configuration: " + applied.error()};
  }
  switched_ = true;
  std::vector<store::LiveRelease> of_app;
  for (const auto& other : store_.list_live()) {
    if (other.project_id == project_.id) of_app.push_back(other);
  }
  log_->line(fmt::format("release {} is live at {}", release_.number,
                         services_.proxy.url(project_.name, deployment_.environment,
                                             is_primary_environment(of_app, deployment_.environment))));
}

void DockerDeployment::drain_and_stop_previous() {
  std::vector<store::Instance> old;
  for (const auto& instance : store_.list_instances(project_.id, true)) {
    if (instance.environment == deployment_.environment && instance.deployment_id != deployment_.id) {
      old.push_back(instance);
    }
  }
  if (old.empty()) return;
  log_->line(fmt::format("draining {} old instance(s) for {} ms", old.size(), environment_->drain.count()));
  const auto until = std::chrono::steady_clock::now() + environment_->drain;
  while (std::chrono::steady_clock::now() < until && !stopping_) std::this_thread::sleep_for(50ms);
  for (const auto& warning : retire_instances(store_, services_.layout, old, services_.settings.stop_grace)) {
    log_->line("warning: " + warning);
  }
  log_->line(fmt::format("stopped and removed {} old instance(s)", old.size()));
}

// The release tags of pruned releases go, and a commit tag once no kept release has that commit.
void DockerDeployment::prune_images() {
  auto listed = docker_->run({"image", "ls", repository_, "--format", "{{.Tag}}"}, {}, 30s);
  if (!listed.ok()) return;
  std::set<std::string> kept_tags;
  std::set<std::string> all_tags;
  for (const auto& release : store_.list_releases(project_.id)) {
    std::error_code ec;
    if (!std::filesystem::exists(release.dir, ec)) continue;
    kept_tags.insert(std::to_string(release.number));
    kept_tags.insert(release.commit.substr(0, 7));
  }
  std::vector<std::string> doomed;
  for (const auto& line : util::split(listed.output, '\n')) {
    std::string tag(util::trim(line));
    if (tag.empty() || tag == "<none>" || kept_tags.count(tag)) continue;
    doomed.push_back(repository_ + ":" + tag);
  }
  if (doomed.empty()) return;
  std::vector<std::string> args = {"image", "rm"};
  args.insert(args.end(), doomed.begin(), doomed.end());
  auto removed = docker_->run(args, {}, 2min);
  log_->line(fmt::format("pruned image tag(s): {}{}", util::join(doomed, ", "),
                         removed.ok() ? "" : " (" + exec::last_line(removed.output) + ")"));
}

std::string DockerDeployment::compose_project() const { return project_.name + "-" + deployment_.environment; }

std::string DockerDeployment::rendered_compose_path(int release_number) const {
  return services_.layout.app_environment(project_.name, deployment_.environment) + "/compose/release-" +
         std::to_string(release_number) + ".yml";
}

void DockerDeployment::execute_compose() {
  if (environment_->manual_approval && deployment_.approved_by.empty() && deployment_.kind == "deploy") {
    log_->line("approval: manual: the image is built; waiting until someone runs `slipway approve " + project_.name +
               " " + deployment_.environment + "`");
    park();
    return;
  }
  // A rollback applies exactly what ran before; anything else renders the release's file anew
  // (a config change has a new env file).
  std::string file = rendered_compose_path(release_.number);
  std::error_code ec;
  if (deployment_.kind != "rollback" || !std::filesystem::exists(file, ec)) file = render_compose_file();
  if (plan_.app.release_command && deployment_.kind != "rollback" && deployment_.kind != "scale") {
    run_release_command();
  }
  if (stopping_) throw DeployInterrupted{};
  log_->line("docker-compose -p " + compose_project() + " up -d (" + file + ")");
  compose_applied_ = true;
  compose_up(file);
  auto listed = docker_->compose({"-p", compose_project(), "-f", file, "ps"}, 1min);
  log_->output(listed.output);

  auto instance = compose_app_instance(file, app_service_of(file, release_.number));
  instance = store_.create_instance(instance);
  started_.push_back(instance);
  wait_until_healthy(instance);
  if (stopping_) throw DeployInterrupted{};
  switch_traffic();
  // The old records: compose already replaced their containers.
  for (auto old : store_.list_instances(project_.id, true)) {
    if (old.environment != deployment_.environment || old.deployment_id == deployment_.id) continue;
    if (old.compose_project.empty()) {
      for (const auto& warning : retire_instances(store_, services_.layout, {old}, services_.settings.stop_grace)) log_->line("warning: " + warning);
    } else {
      old.active = false;
      store_.update_instance(old);
    }
  }
  try {
    prune_releases();
    prune_images();
    for (const auto& release : store_.list_releases(project_.id)) {
      if (!std::filesystem::exists(release.dir, ec)) std::filesystem::remove(rendered_compose_path(release.number), ec);
    }
  } catch (const std::exception& e) {
    log_->line(std::string("warning: after the switch: ") + e.what());
  }
}

// The release's compose file, resolved by docker-compose with the release's variables and rendered
// (compose_file.h) into apps/APP/ENV/compose/release-N.yml beside its env file.
std::string DockerDeployment::render_compose_file() {
  const auto source = find_compose_file(release_.dir, environment_->compose_file);
  if (source.empty()) {
    throw DeployFailure{environment_->compose_file.empty()
                            ? "target compose: the repository has no docker-compose.yml (or compose.yml); set compose_file"
                            : "compose_file " + environment_->compose_file + " is not in the release"};
  }
  const auto dir = services_.layout.app_environment(project_.name, deployment_.environment) + "/compose";
  std::filesystem::create_directories(dir);
  const auto env_file = dir + "/release-" + std::to_string(release_.number) + ".env";
  {
    // The app's configuration: 0600, read by docker-compose, never in the compose file itself.
    std::string text;
    for (const auto& entry : process_env(environment_->port)) {
      const auto name = entry.substr(0, entry.find('='));
      bool configured = false;
      for (const auto& setting : config_env_) configured = configured || setting.rfind(name + "=", 0) == 0;
      if (!configured && name.rfind("SLIPWAY_", 0) != 0 && name != "PORT") continue;
      if (entry.find('\n') != std::string::npos) {
        throw DeployFailure{"config value " + name + " holds a newline, which a compose env file cannot carry"};
      }
      text += entry + "\n";
    }
    util::Fd fd = util::open_file(env_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    util::write_all(fd.get(), text.data(), text.size());
  }
  // Variables for the compose file itself: the image and the release, nothing secret.
  exec::DockerCli resolver(environment_->docker_host,
                           {"SLIPWAY_IMAGE=" + release_tag_, "SLIPWAY_APP=" + project_.name,
                            "SLIPWAY_ENVIRONMENT=" + deployment_.environment,
                            "SLIPWAY_RELEASE=" + std::to_string(release_.number), "SLIPWAY_COMMIT=" + release_.commit});
  auto resolved = resolver.compose({"-f", (std::filesystem::path(release_.dir) / source).string(), "--project-directory",
                                    release_.dir, "config"},
                                   1min, &stopping_);
  if (!resolved.ok()) throw DeployFailure{"docker-compose config of " + source + ": " + exec::last_line(resolved.output)};
  ComposeSettings settings;
  settings.image = release_tag_;
  settings.port = environment_->port;
  settings.env_file = env_file;
  settings.labels = {{"slipway.home", home_label_},
                     {"slipway.app", project_.name},
                     {"slipway.environment", deployment_.environment},
                     {"slipway.release", std::to_string(release_.number)}};
  auto rendered = render_compose(resolved.output, settings);
  if (!rendered) throw DeployFailure{source + ": " + rendered.error()};
  const auto file = rendered_compose_path(release_.number);
  std::ofstream(file) << rendered->text;
  log_->line("rendered " + source + " for release " + std::to_string(release_.number) + ": app service(s) " +
             util::join(rendered->app_services, ", "));
  return file;
}

void DockerDeployment::compose_up(const std::string& file) {
  auto result = docker_->compose({"-p", compose_project(), "-f", file, "up", "--detach", "--remove-orphans"},
                                 services_.settings.command_timeout, &stopping_);
  if (log_) log_->output(result.output);
  if (result.stopped) throw DeployInterrupted{};
  if (!result.ok()) throw DeployFailure{"docker-compose up failed: " + exec::last_line(result.output)};
}

// The app's container in the stack, with the loopback port it publishes.
store::Instance DockerDeployment::compose_app_instance(const std::string& file, const std::string& service) {
  store::Instance instance;
  instance.project_id = project_.id;
  instance.environment = deployment_.environment;
  instance.deployment_id = deployment_.id;
  instance.release_id = release_.id;
  instance.process = "web";  // what nginx sends requests to
  instance.docker_host = environment_->docker_host;
  instance.compose_project = compose_project();
  std::tie(instance.container, instance.port) =
      compose_container(*docker_, compose_project(), file, service, environment_->port);
  return instance;
}

exec::DockerCli docker_engine(const store::HomeLayout& layout, const std::string& app, const std::string& docker_host,
                              std::vector<std::string> env) {
  if (docker_host.rfind("ssh://", 0) == 0) {
    const char* path = std::getenv("PATH");
    env.push_back("PATH=" + docker_ssh_bin(layout, app, ensure_ssh_identity(layout, app)) + ":" +
                  (path ? path : "/usr/local/bin:/usr/bin:/bin"));
  }
  return exec::DockerCli(docker_host, std::move(env));
}

void remove_app_images(const store::HomeLayout& layout, const std::string& app) {
  try {
    exec::DockerCli docker;
    auto listed = docker.run({"image", "ls", "--quiet", "--filter", "label=slipway.home=" + exec::docker_home_label(layout.home()),
                              "--filter", "label=slipway.app=" + app},
                             {}, 30s);
    std::vector<std::string> args = {"image", "rm", "--force"};
    for (const auto& line : util::split(listed.output, '\n')) {
      if (!util::trim(line).empty()) args.emplace_back(util::trim(line));
    }
    if (listed.ok() && args.size() > 3) docker.run(args, {}, 2min);
  } catch (const std::exception& e) {
    spdlog::debug("removing the images of {}: {}", app, e.what());  // no docker here: no images either
  }
}

void reapply_compose_stack(store::Store& store, const store::HomeLayout& layout, store::Instance instance,
                           const store::LiveRelease& live) {
  auto project = store.find_project(instance.project_id);
  if (!project) return;
  const auto file = layout.app_environment(project->name, instance.environment) + "/compose/release-" +
                    std::to_string(live.release_number) + ".yml";
  auto docker = docker_engine(layout, project->name, instance.docker_host);
  auto up = docker.compose({"-p", instance.compose_project, "-f", file, "up", "--detach", "--remove-orphans"}, 5min);
  if (!up.ok()) throw util::Error("docker-compose up: " + exec::last_line(up.output));
  try {
    std::tie(instance.container, instance.port) =
        compose_container(docker, instance.compose_project, file, app_service_of(file, live.release_number), 0);
  } catch (const DeployFailure& failure) {
    throw util::Error(failure.reason);
  }
  store.update_instance(instance);
}

}  // namespace slipway::deploy
