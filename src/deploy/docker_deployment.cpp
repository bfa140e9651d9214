#include "deploy/docker_deployment.h"

#include <fmt/format.h>

#include <thread>

#include "deploy/instance_retirement.h"
#include "util/strings.h"

namespace slipway::deploy {

namespace {
using namespace std::chrono_literals;
}  // namespace

DockerDeployment::DockerDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                                   const std::atomic<bool>& stopping)
    : ContainerDeployment(services, store, std::move(deployment), stopping) {}

void DockerDeployment::abandon() {
  if (switched_ || started_.empty()) return;
  for (const auto& warning : retire_instances(store_, services_.layout, started_, services_.settings.stop_grace)) {
    if (log_) log_->line("warning: " + warning);
  }
  if (log_) log_->line(fmt::format("removed the {} new container(s)", started_.size()));
  started_.clear();
}

void DockerDeployment::execute() {
  if (!deliver_image()) return;  // waits for approval
  if (plan_.app.release_command && deployment_.kind != "rollback" && deployment_.kind != "scale") {
    run_release_command();
  }
  if (stopping_) throw DeployInterrupted{};
  start_containers();
  for (const auto& instance : started_) wait_until_healthy(instance);
  if (stopping_) throw DeployInterrupted{};
  go_live();
  log_live_url();
  try {
    drain_and_stop_previous();
    prune_releases();
    prune_images();
  } catch (const std::exception& e) {
    log_->line(std::string("warning: after the switch: ") + e.what());
  }
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
    instance.container = fmt::format("slipway-{}-{}-{}-d{}-web-{}", home_label_.substr(0, 8),
                                     util::to_lower(project_.name), deployment_.environment, deployment_.id, index);
    instance.docker_host = environment_->docker_host;
    instance.address = address_;
    // Recorded before it exists, so that a crash leaves no container nobody knows of.
    instance = store_.create_instance(instance);
    started_.push_back(instance);

    // --init: a small init as PID 1 passes on docker stop's SIGTERM, also to apps not written to be PID 1.
    std::vector<std::string> args = {"run",     "--detach",       "--init",   "--name",
                                     instance.container, "--restart", "unless-stopped", "--publish",
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
    started_.back().port = published_port(*address);
    store_.update_instance(started_.back());
    log_->line(fmt::format("started {} ({}) on {}", instance.container, release_tag_, *address));
  }
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

}  // namespace slipway::deploy
