#include "deploy/container_deployment.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>
#include <thread>

#include "deploy/health_check.h"
#include "deploy/ssh_identity.h"
#include "pipeline/dockerfile.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::deploy {

namespace {

using namespace std::chrono_literals;

constexpr const char* kRegistryUser = "REGISTRY_USERNAME";
constexpr const char* kRegistryPassword = "REGISTRY_PASSWORD";

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

std::string value_of(const std::vector<std::string>& env, const std::string& name) {
  for (const auto& entry : env) {
    if (entry.rfind(name + "=", 0) == 0) return entry.substr(name.size() + 1);
  }
  return "";
}

// Settings of the docker CLI and of docker-compose: an app's config must not steer them.
bool engine_setting(const std::string& name) { return name.rfind("DOCKER_", 0) == 0 || name.rfind("COMPOSE_", 0) == 0; }

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

void write_private_file(const std::string& path, const std::string& text) {
  util::Fd fd = util::open_file(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  util::write_all(fd.get(), text.data(), text.size());
}

}  // namespace

int published_port(const std::string& address) {
  const auto colon = address.rfind(':');
  unsigned long long port = 0;
  if (colon == std::string::npos || !util::parse_uint(std::string_view(address).substr(colon + 1), port) || port == 0 ||
      port > 65535) {
    throw util::Error("unexpected published address '" + address + "'");
  }
  return static_cast<int>(port);
}

ContainerDeployment::ContainerDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                                         const std::atomic<bool>& stopping)
    : DeploymentRun(services, store, std::move(deployment), stopping) {}

bool ContainerDeployment::has_dockerfile() const {
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path(release_.dir) / "Dockerfile", ec);
}

// The repository's Dockerfile builds everything itself; a generated one copies a static build's
// output, which is made here first (a Node server's dependencies are installed in the image).
bool ContainerDeployment::builds_on_this_machine() const {
  return !has_dockerfile() && plan_.app.type == pipeline::AppType::node_static;
}

bool ContainerDeployment::deliver_image() {
  if (!environment_->docker_address.host.empty()) {
    // A remote engine publishes ports on its own address, where this machine's nginx reaches them.
    address_ = ipv4_address_of(environment_->docker_address.host);
  }
  prepare_engine();
  if (!reuse_image()) build_image();
  if (stopping_) throw DeployInterrupted{};
  push_image();
  if (environment_->manual_approval && deployment_.approved_by.empty() && deployment_.kind == "deploy") {
    log_->line("approval: manual: the image is built; waiting until someone runs `slipway approve " + project_.name +
               " " + deployment_.environment + "`");
    park();
    return false;
  }
  return true;
}

// The engine, the image names, and the app's own registry credentials store (never this
// machine's ~/.docker, never another app's), logged in when the app's config has credentials.
void ContainerDeployment::prepare_engine() {
  home_label_ = exec::docker_home_label(services_.layout.home());
  repository_ = (environment_->registry.empty() ? "" : environment_->registry + "/") + util::to_lower(project_.name);
  commit_tag_ = repository_ + ":" + release_.commit.substr(0, 7);
  release_tag_ = repository_ + ":" + std::to_string(release_.number);

  const auto docker_config = services_.layout.app_environment(project_.name, deployment_.environment) + "/docker-config";
  std::filesystem::create_directories(docker_config);
  ::chmod(docker_config.c_str(), 0700);
  // The values of `docker run --env NAME` come from the CLI's environment, never its command line.
  auto cli_env = app_environment();
  cli_env.push_back("DOCKER_CONFIG=" + docker_config);
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

  const std::string user = value_of(config_env_, kRegistryUser);
  const std::string password = value_of(config_env_, kRegistryPassword);
  if (!user.empty() && !password.empty() && !environment_->registry.empty()) {
    docker_->check({"login", "--username", user, "--password-stdin", environment_->registry}, password, 60s, &stopping_);
    log_->line("logged in to " + environment_->registry + " as " + user);
  } else {
    // Credentials removed from the config are not kept from an earlier login.
    std::error_code ec;
    std::filesystem::remove(docker_config + "/config.json", ec);
  }
}

bool ContainerDeployment::built_from_this_release(const std::string& tag) const {
  auto labels = docker_->run(
      {"image", "inspect", "--format", "{{index .Config.Labels \"slipway.commit\"}} {{index .Config.Labels \"slipway.port\"}}", tag},
      {}, 30s);
  if (!labels.ok()) return false;
  const auto words = util::split(std::string(util::trim(labels.output)), ' ');
  if (words.empty() || words[0] != release_.commit) return false;
  // A generated Dockerfile bakes the port in (the static site's nginx listens on it).
  return has_dockerfile() || (words.size() > 1 && words[1] == std::to_string(environment_->port));
}

// A release whose image exists (a rollback, a config change, a scale, a promotion, the same
// commit again) is not built twice; only an image made from this very commit counts, since a tag
// like app:1 may be left by another Slipway home.
bool ContainerDeployment::reuse_image() {
  if (built_from_this_release(release_tag_)) {
    log_->line("image " + release_tag_ + " exists: not rebuilt");
    return true;
  }
  if (built_from_this_release(commit_tag_)) {
    docker_->check({"tag", commit_tag_, release_tag_});
    log_->line("image " + commit_tag_ + " exists: tagged " + release_tag_ + ", not rebuilt");
    return true;
  }
  // Promoted to another engine: exactly the image the first environment tested. By its commit
  // tag: a release number may have been pushed by another Slipway home.
  if (!environment_->registry.empty() &&
      docker_->run({"pull", commit_tag_}, {}, services_.settings.command_timeout, &stopping_).ok()) {
    if (built_from_this_release(commit_tag_)) {
      docker_->check({"tag", commit_tag_, release_tag_});
      log_->line("pulled " + commit_tag_ + " from the registry: not rebuilt");
      return true;
    }
    docker_->run({"image", "rm", commit_tag_}, {}, 30s);  // someone else's: built anew below
  }
  return false;
}

void ContainerDeployment::build_image() {
  std::string dockerfile = std::filesystem::path(release_.dir) / "Dockerfile";
  std::vector<std::pair<std::string, std::string>> labels = {
      {"slipway.home", home_label_}, {"slipway.app", project_.name}, {"slipway.commit", release_.commit}};
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
    write_private_file(dockerfile, generated->text);
    labels.emplace_back("slipway.port", std::to_string(environment_->port));
    log_->line("no Dockerfile in the repository: wrote one for " + generated->description);
    log_->output(generated->text);
  }
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> args = {"build", "--file", dockerfile, "--tag", commit_tag_, "--tag", release_tag_};
  for (const auto& label : exec::label_arguments(labels)) args.push_back(label);
  args.push_back(release_.dir);
  auto result = docker_->run(args, {}, services_.settings.command_timeout, &stopping_);
  log_->output(result.output);
  if (result.stopped) throw DeployInterrupted{};
  if (!result.ok()) {
    throw DeployFailure{"docker build failed: " +
                        (result.timed_out ? std::string("timed out") : exec::last_line(result.output))};
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  log_->line(fmt::format("built {} and {} in {} ms", commit_tag_, release_tag_, took.count()));
}

void ContainerDeployment::push_image() {
  if (environment_->registry.empty()) return;
  for (const auto& tag : {commit_tag_, release_tag_}) {
    auto result = docker_->run({"push", tag}, {}, services_.settings.command_timeout, &stopping_);
    if (result.stopped) throw DeployInterrupted{};
    if (!result.ok()) throw DeployFailure{"docker push " + tag + " failed: " + exec::last_line(result.output)};
  }
  log_->line("pushed " + commit_tag_ + " and " + release_tag_);
}

std::vector<std::string> ContainerDeployment::app_environment() const {
  std::set<std::string> configured;
  for (const auto& setting : config_env_) configured.insert(name_of(setting));
  std::set<std::string> inherited;
  for (const auto& entry : services_.settings.base_env) inherited.insert(name_of(entry));
  std::vector<std::string> out;
  for (const auto& entry : process_env(environment_->port)) {
    const auto name = name_of(entry);
    // This machine's PATH, HOME, ... are not the image's; the registry login and the engine's
    // settings are Slipway's.
    if ((inherited.count(name) && !configured.count(name)) || name == kRegistryUser || name == kRegistryPassword ||
        engine_setting(name)) {
      continue;
    }
    out.push_back(entry);
  }
  return out;
}

std::vector<std::string> ContainerDeployment::env_arguments() const {
  std::vector<std::string> args;
  for (const auto& entry : app_environment()) {
    args.push_back("--env");
    args.push_back(name_of(entry));
  }
  return args;
}

void ContainerDeployment::run_release_command() {
  log_->line("release command (in a container of " + release_tag_ + "): " + *plan_.app.release_command);
  // Named and labelled: a release command cut short by a timeout or a stop is removed, not left running.
  const auto name = fmt::format("slipway-{}-{}-{}-d{}-release", home_label_.substr(0, 8), util::to_lower(project_.name),
                                deployment_.environment, deployment_.id);
  std::vector<std::string> args = {"run", "--rm", "--init", "--name", name};
  for (const auto& label : exec::label_arguments({{"slipway.home", home_label_},
                                                  {"slipway.app", project_.name},
                                                  {"slipway.deployment", std::to_string(deployment_.id)}})) {
    args.push_back(label);
  }
  auto env = env_arguments();
  args.insert(args.end(), env.begin(), env.end());
  args.insert(args.end(), {release_tag_, "/bin/sh", "-c", *plan_.app.release_command});
  auto result = docker_->run(args, {}, services_.settings.command_timeout, &stopping_);
  log_->output(result.output);
  if (!result.ok()) docker_->remove_containers({name});
  if (result.stopped) throw DeployInterrupted{};
  if (!result.ok()) throw DeployFailure{"release command failed: " + exec::last_line(result.output)};
}

void ContainerDeployment::wait_until_healthy(const store::Instance& instance) {
  const auto& health = environment_->health;
  const auto deadline = std::chrono::steady_clock::now() + health.timeout;
  // Whether the container still runs, and its HEALTHCHECK's verdict when the image has one.
  auto state = [&]() {
    auto result = docker_->run(
        {"inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", instance.container},
        {}, 30s);
    return std::string(util::trim(result.output));
  };
  auto exited = [&]() -> std::optional<std::string> {
    if (stopping_) return std::string("slipway is stopping");
    auto now = state();
    if (now.rfind("running", 0) == 0 || now.rfind("created", 0) == 0) return std::nullopt;
    return "the container is " + now;
  };
  const bool image_check =
      util::trim(docker_->check({"image", "inspect", "--format", "{{if .Config.Healthcheck}}yes{{end}}", release_tag_})) ==
      "yes";
  if (health.path.empty() && image_check) {
    log_->line(fmt::format("waiting for {} to report healthy (its image's HEALTHCHECK, up to {}s)", instance.container,
                           health.timeout.count() / 1000));
    for (;;) {
      auto now = state();
      if (now == "running healthy") break;
      if (stopping_) throw DeployInterrupted{};
      const bool late = std::chrono::steady_clock::now() > deadline;
      if (now.rfind("running", 0) != 0 || now == "running unhealthy" || late) {
        throw DeployFailure{"health check failed for " + instance.container + ": " +
                                (late ? "still " + now + " after the timeout" : "it is " + now),
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
  if (health.path.empty() && instance.address.empty()) {
    // docker-proxy accepts on the published port as soon as the container exists, app or no app:
    // a TCP connect there proves nothing. The container's own address on the bridge does.
    auto ip = docker_->run({"inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
                            instance.container},
                           {}, 30s);
    const auto words = util::split(std::string(util::trim(ip.output)), ' ');
    if (ip.ok() && !words.empty() && !words.front().empty()) {
      probe.host = words.front();
      probe.port = environment_->port;
    }
  }
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

std::string ContainerDeployment::container_logs(const std::string& name) const {
  return std::string(util::trim(docker_->run({"logs", "--tail", "20", name}, {}, 30s).output));
}

// The release tags of pruned releases go, and a commit tag once no kept release has that commit;
// only tags of images this home built for this app (by their labels), never anyone else's.
void ContainerDeployment::prune_images() {
  auto listed = docker_->run({"image", "ls", "--filter", "label=slipway.home=" + home_label_, "--filter",
                              "label=slipway.app=" + project_.name, "--format", "{{.Repository}}:{{.Tag}}"},
                             {}, 30s);
  if (!listed.ok()) return;
  std::set<std::string> kept;
  const auto dockerfiles = services_.layout.app_environment(project_.name, deployment_.environment) + "/dockerfiles";
  for (const auto& release : store_.list_releases(project_.id)) {
    std::error_code ec;
    if (!std::filesystem::exists(release.dir, ec)) {
      std::filesystem::remove(dockerfiles + "/Dockerfile." + std::to_string(release.number), ec);
      continue;
    }
    kept.insert(repository_ + ":" + std::to_string(release.number));
    kept.insert(repository_ + ":" + release.commit.substr(0, 7));
  }
  std::vector<std::string> doomed;
  for (const auto& line : util::split(listed.output, '\n')) {
    std::string tag(util::trim(line));
    if (tag.rfind(repository_ + ":", 0) != 0 || kept.count(tag)) continue;
    doomed.push_back(tag);
  }
  if (doomed.empty()) return;
  std::vector<std::string> args = {"image", "rm"};
  args.insert(args.end(), doomed.begin(), doomed.end());
  auto removed = docker_->run(args, {}, 2min);
  log_->line(fmt::format("pruned image tag(s): {}{}", util::join(doomed, ", "),
                         removed.ok() ? "" : " (" + exec::last_line(removed.output) + ")"));
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
    auto listed = docker.run({"image", "ls", "--quiet", "--filter",
                              "label=slipway.home=" + exec::docker_home_label(layout.home()), "--filter",
                              "label=slipway.app=" + app},
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

}  // namespace slipway::deploy
