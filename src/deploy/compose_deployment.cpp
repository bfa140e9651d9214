#include "deploy/compose_deployment.h"

#include <fcntl.h>
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <filesystem>
#include <tuple>

#include "deploy/compose_file.h"
#include "deploy/instance_retirement.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::deploy {

namespace {

using namespace std::chrono_literals;

// The app's service in the rendered compose FILE of release NUMBER (render_compose labels it).
std::string app_service_of(const std::string& file, int number) {
  auto rendered = YAML::LoadFile(file);
  for (auto it = rendered["services"].begin(); it != rendered["services"].end(); ++it) {
    auto release = it->second["labels"]["slipway.release"];
    if (release && release.as<std::string>() == std::to_string(number)) return it->first.as<std::string>();
  }
  throw util::Error("the compose file " + file + " has no service of release " + std::to_string(number));
}

// The container of SERVICE in the stack PROJECT of FILE, and the port it publishes PORT on (0: its first).
std::pair<std::string, int> compose_container(const exec::DockerCli& docker, const std::string& project,
                                              const std::string& file, const std::string& service, int port) {
  auto id = docker.compose({"-p", project, "-f", file, "ps", "-q", service}, 1min);
  const std::string container_id(util::trim(id.output));
  if (!id.ok() || container_id.empty()) throw util::Error("the stack has no running " + service + " container");
  std::string name(util::trim(docker.check({"inspect", "--format", "{{.Name}}", container_id})));
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  auto address = docker.published_address(name, port);
  if (!address) throw util::Error(service + " publishes no port " + std::to_string(port));
  return {name, published_port(*address)};
}

// One line of an env file as docker-compose reads it (python-dotenv): single-quoted, with \ and '
// escaped. dotenv expands ${NAME} even there, so such a value cannot be written at all.
std::string env_file_line(const std::string& entry) {
  const auto name = entry.substr(0, entry.find('='));
  const auto value = entry.substr(entry.find('=') + 1);
  if (value.find('\n') != std::string::npos || value.find("${") != std::string::npos) {
    throw DeployFailure{"config value " + name +
                        " holds a newline or '${', which docker-compose's env file would change"};
  }
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return name + "=" + quoted + "'\n";
}

}  // namespace

std::string compose_project_name(const std::string& app, const std::string& environment) {
  std::string out;
  for (char c : util::to_lower(app + "-" + environment)) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') out += c;
  }
  return out;
}

std::string rendered_compose_path(const store::HomeLayout& layout, const std::string& app,
                                  const std::string& environment, int release_number) {
  return layout.app_environment(app, environment) + "/compose/release-" + std::to_string(release_number) + ".yml";
}

ComposeDeployment::ComposeDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                                     const std::atomic<bool>& stopping)
    : ContainerDeployment(services, store, std::move(deployment), stopping) {}

void ComposeDeployment::abandon() {
  if (applied_.empty() || switched_) return;
  // Compose replaced the app's container in place: put the previous release's stack back, or take
  // down a stack that never served. Not stoppable: slipway waits for this on its way out.
  const auto previous =
      previous_ ? rendered_compose_path(services_.layout, project_.name, deployment_.environment, previous_->release_number)
                : "";
  std::error_code ec;
  bool settled = false;
  try {
    if (!previous.empty() && std::filesystem::exists(previous, ec)) {
      log_->line("applying release " + std::to_string(previous_->release_number) + "'s compose file again");
      compose_up(previous, nullptr);
      const auto service = app_service_of(previous, previous_->release_number);
      for (auto instance : store_.list_instances(project_.id, true)) {
        if (instance.environment != deployment_.environment || instance.deployment_id == deployment_.id) continue;
        // The previous container was recreated: its published port may be another.
        std::tie(instance.container, instance.port) =
            compose_container(*docker_, project_name_, previous, service, environment_->port);
        store_.update_instance(instance);
      }
      if (auto restored = services_.proxy.apply(store_); !restored) log_->line("warning: " + restored.error());
    } else {
      log_->line("nothing of this stack served before: taking it down");
      auto down = docker_->compose({"-p", project_name_, "-f", applied_, "down", "--remove-orphans"}, 5min);
      log_->output(down.output);
      if (!down.ok()) throw util::Error("docker-compose down: " + exec::last_line(down.output));
    }
    settled = true;
  } catch (const std::exception& e) {
    log_->line(std::string("warning: could not restore the previous stack: ") + e.what());
  } catch (const DeployFailure& failure) {
    log_->line("warning: could not restore the previous stack: " + failure.reason);
  } catch (const DeployInterrupted&) {
    log_->line("warning: could not restore the previous stack: interrupted");
  }
  // A stack left running stays on record: the next start of slipway puts it right.
  for (auto& instance : started_) {
    if (!settled) continue;
    instance.active = false;
    store_.update_instance(instance);
  }
  started_.clear();
}

void ComposeDeployment::execute() {
  if (!environment_->docker_address.host.empty()) {
    throw DeployFailure{"target compose needs the engine on this machine; docker_host " + environment_->docker_host +
                        " works with target docker"};
  }
  project_name_ = compose_project_name(project_.name, deployment_.environment);
  if (!deliver_image()) return;  // waits for approval
  // A rollback applies exactly what ran before; anything else renders the release's file anew, as
  // a candidate that becomes release-N.yml once it serves.
  const auto live_file = rendered_compose_path(services_.layout, project_.name, deployment_.environment, release_.number);
  std::error_code ec;
  std::string file = deployment_.kind == "rollback" && std::filesystem::exists(live_file, ec) ? live_file
                                                                                              : render_compose_file();
  if (plan_.app.release_command && deployment_.kind != "rollback" && deployment_.kind != "scale") {
    run_release_command();
  }
  if (stopping_) throw DeployInterrupted{};
  log_->line("docker-compose -p " + project_name_ + " up -d (" + file + ")");
  applied_ = file;
  compose_up(file, &stopping_);
  log_->output(docker_->compose({"-p", project_name_, "-f", file, "ps"}, 1min).output);

  std::string service;
  try {
    service = app_service_of(file, release_.number);
  } catch (const std::exception& e) {
    throw DeployFailure{e.what()};
  }
  auto instance = app_instance(file, service);
  instance = store_.create_instance(instance);
  started_.push_back(instance);
  wait_until_healthy(instance);
  if (stopping_) throw DeployInterrupted{};
  if (file != live_file) std::filesystem::rename(file, live_file);
  go_live();
  log_live_url();
  // The old records: compose already replaced their containers; a container of `target: docker`
  // that served before is stopped.
  for (auto old : store_.list_instances(project_.id, true)) {
    if (old.environment != deployment_.environment || old.deployment_id == deployment_.id) continue;
    if (old.compose_project.empty()) {
      for (const auto& warning : retire_instances(store_, services_.layout, {old}, services_.settings.stop_grace)) {
        log_->line("warning: " + warning);
      }
    } else {
      old.active = false;
      store_.update_instance(old);
    }
  }
  try {
    prune_releases();
    prune_images();
    prune_rendered_files();
  } catch (const std::exception& e) {
    log_->line(std::string("warning: after the switch: ") + e.what());
  }
}

// The release's compose file, resolved by docker-compose with the release's variables and rendered
// (compose_file.h) into apps/APP/ENV/compose/ beside its env file (0600: the app's config).
std::string ComposeDeployment::render_compose_file() {
  const auto source = find_compose_file(release_.dir, environment_->compose_file);
  if (source.empty()) {
    throw DeployFailure{environment_->compose_file.empty()
                            ? "target compose: the repository has no docker-compose.yml (or compose.yml); set compose_file"
                            : "compose_file " + environment_->compose_file + " is not in the release"};
  }
  const auto dir = services_.layout.app_environment(project_.name, deployment_.environment) + "/compose";
  std::filesystem::create_directories(dir);
  const auto env_file = dir + "/release-" + std::to_string(release_.number) + ".env";
  std::string env_text;
  for (const auto& entry : app_environment()) env_text += env_file_line(entry);
  {
    util::Fd fd = util::open_file(env_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    util::write_all(fd.get(), env_text.data(), env_text.size());
  }
  // Variables for the compose file itself: the image and the release, nothing secret.
  auto resolver = docker_engine(services_.layout, project_.name, environment_->docker_host,
                                {"SLIPWAY_IMAGE=" + release_tag_, "SLIPWAY_APP=" + project_.name,
                                 "SLIPWAY_ENVIRONMENT=" + deployment_.environment,
                                 "SLIPWAY_RELEASE=" + std::to_string(release_.number),
                                 "SLIPWAY_COMMIT=" + release_.commit});
  auto resolved = resolver.compose({"-f", (std::filesystem::path(release_.dir) / source).string(), "--project-directory",
                                    release_.dir, "config"},
                                   1min, &stopping_);
  if (resolved.stopped) throw DeployInterrupted{};
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
  const auto file = dir + "/release-" + std::to_string(release_.number) + ".candidate.yml";
  util::Fd fd = util::open_file(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  util::write_all(fd.get(), rendered->text.data(), rendered->text.size());
  log_->line("rendered " + source + " for release " + std::to_string(release_.number) + ": app service(s) " +
             util::join(rendered->app_services, ", "));
  return file;
}

void ComposeDeployment::compose_up(const std::string& file, const std::atomic<bool>* stop) {
  auto result = docker_->compose({"-p", project_name_, "-f", file, "up", "--detach", "--remove-orphans"},
                                 services_.settings.command_timeout, stop);
  log_->output(result.output);
  if (result.stopped) throw DeployInterrupted{};
  if (!result.ok()) throw DeployFailure{"docker-compose up failed: " + exec::last_line(result.output)};
}

// The app's container in the stack, with the loopback port it publishes.
store::Instance ComposeDeployment::app_instance(const std::string& file, const std::string& service) {
  store::Instance instance;
  instance.project_id = project_.id;
  instance.environment = deployment_.environment;
  instance.deployment_id = deployment_.id;
  instance.release_id = release_.id;
  instance.process = "web";  // what nginx sends requests to
  instance.docker_host = environment_->docker_host;
  instance.compose_project = project_name_;
  try {
    std::tie(instance.container, instance.port) =
        compose_container(*docker_, project_name_, file, service, environment_->port);
  } catch (const util::Error& e) {
    throw DeployFailure{e.what()};
  }
  return instance;
}

// The rendered files and env files (the app's config) of releases whose trees are pruned go too.
void ComposeDeployment::prune_rendered_files() {
  for (const auto& release : store_.list_releases(project_.id)) {
    std::error_code ec;
    if (std::filesystem::exists(release.dir, ec)) continue;
    const auto yml = rendered_compose_path(services_.layout, project_.name, deployment_.environment, release.number);
    std::filesystem::remove(yml, ec);
    std::filesystem::remove(yml.substr(0, yml.size() - 4) + ".env", ec);
    std::filesystem::remove(yml.substr(0, yml.size() - 4) + ".candidate.yml", ec);
  }
}

void reapply_compose_stack(store::Store& store, const store::HomeLayout& layout, store::Instance instance,
                           const store::LiveRelease& live) {
  auto project = store.find_project(instance.project_id);
  if (!project) return;
  const auto file = rendered_compose_path(layout, project->name, instance.environment, live.release_number);
  auto docker = docker_engine(layout, project->name, instance.docker_host);
  auto up = docker.compose({"-p", instance.compose_project, "-f", file, "up", "--detach", "--remove-orphans"}, 5min);
  if (!up.ok()) throw util::Error("docker-compose up: " + exec::last_line(up.output));
  std::tie(instance.container, instance.port) =
      compose_container(docker, instance.compose_project, file, app_service_of(file, live.release_number), 0);
  store.update_instance(instance);
}

}  // namespace slipway::deploy
