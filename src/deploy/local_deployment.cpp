#include "deploy/local_deployment.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <mutex>
#include <thread>

#include "deploy/app_config.h"
#include "deploy/health_check.h"
#include "deploy/instance_retirement.h"
#include "deploy/port_allocator.h"
#include "deploy/release_directory.h"
#include "exec/instance_control.h"
#include "exec/instance_spec.h"
#include "util/child_process.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::deploy {

namespace {

using namespace std::chrono_literals;
using store::DeploymentStatus;

constexpr std::size_t kTailLines = 20;

}  // namespace

LocalDeployment::LocalDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                                 const std::atomic<bool>& stopping)
    : DeploymentRun(services, store, std::move(deployment), stopping) {}

void LocalDeployment::abandon() {
  if (!switched_) stop_started();
}

void LocalDeployment::execute() {
  if (environment_->target != pipeline::Target::local) {
    throw DeployFailure{fmt::format("environment '{}' has target: {}, which this version of slipway cannot deploy to yet",
                                    deployment_.environment, pipeline::target_name(environment_->target))};
  }
  if (plan_.app.type == pipeline::AppType::dockerfile) {
    throw DeployFailure{"the app is only a Dockerfile: deploy it with target: docker (or compose)"};
  }
  if (environment_->manual_approval && deployment_.approved_by.empty() && deployment_.kind == "deploy") {
    // The release is already on this machine: delivered. Only the switch waits.
    log_->line("approval: manual: waiting until someone runs `slipway approve " + project_.name + " " +
               deployment_.environment + "`");
    park();
    return;
  }
  // Like Heroku: new code or config runs the release phase; a rollback or a new formation does not.
  if (plan_.app.release_command && deployment_.kind != "rollback" && deployment_.kind != "scale") {
    run_command("release command", *plan_.app.release_command);
  }
  if (stopping_) throw DeployInterrupted{};

  if (!plan_.app.static_root.empty()) {
    check_static_site();
  } else {
    start_instances();
    wait_until_healthy();
  }
  if (stopping_) throw DeployInterrupted{};
  switch_traffic();
  // The new release serves from here on: what goes wrong now is worth a warning, not a failure.
  try {
    drain_and_stop_previous();
    prune_releases();
  } catch (const std::exception& e) {
    log_->line(std::string("warning: after the switch: ") + e.what());
  }
}

void LocalDeployment::start_instances() {
  const auto formation = store_.formation(project_.id);
  // Ports are chosen and recorded under one lock, so that two deployments
  // running at once never pick the same one.
  static std::mutex port_mutex;
  std::unique_lock port_lock(port_mutex);
  std::set<int> ports_in_use;
  for (const auto& instance : store_.list_instances(std::nullopt, true)) ports_in_use.insert(instance.port);

  for (const auto& process : plan_.app.processes) {
    auto wanted = formation.find(process.name);
    const int count = wanted == formation.end() ? 1 : wanted->second;
    for (int index = 1; index <= count; ++index) {
      const int port = free_loopback_port(ports_in_use);
      ports_in_use.insert(port);
      store::Instance instance;
      instance.project_id = project_.id;
      instance.environment = deployment_.environment;
      instance.deployment_id = deployment_.id;
      instance.release_id = release_.id;
      instance.process = process.name;
      instance.index = index;
      instance.port = port;
      instance = store_.create_instance(instance);
      instance.dir = services_.layout.instance_dir(project_.name, deployment_.environment, instance.id);
      store_.update_instance(instance);  // recorded before it exists, so a crash leaves no unknown process

      std::filesystem::create_directories(instance.dir);
      std::filesystem::create_directories(
          std::filesystem::path(services_.layout.process_log(project_.name, deployment_.environment, process.name))
              .parent_path());
      exec::InstanceSpec spec;
      spec.name = fmt::format("{}.{}", process.name, index);
      spec.argv = {"/bin/sh", "-c", process.command};
      spec.env = process_env(port);
      spec.cwd = release_.dir;
      spec.log_path = services_.layout.process_log(project_.name, deployment_.environment, process.name);
      spec.masked = secrets_;
      spec.stop_grace = services_.settings.stop_grace;
      exec::write_spec(instance.dir, spec);

      // Tracked before it exists, so that a failed launch is cleaned up like any other.
      started_.push_back(Started{instance, spec.name, util::format_rfc3339(util::now_ms())});
      auto& started = started_.back();
      auto handle = exec::launch_supervisor(services_.settings.self_binary, instance.dir);
      started.instance.supervisor_pid = handle.pid;
      started.instance.supervisor_start_time = handle.start_time;
      store_.update_instance(started.instance);
      log_->line(fmt::format("started {} on port {}: {}", spec.name, port, process.command));
    }
  }
}

void LocalDeployment::wait_until_healthy() {
  const auto& health = environment_->health;
  for (const auto& started : started_) {
    const auto& instance = started.instance;
    auto stop_reason = [&]() -> std::optional<std::string> {
      if (stopping_) return std::string("slipway is stopping");
      auto state = exec::read_state(instance.dir);
      if (!state) return std::nullopt;
      if (state->status == exec::InstanceStatus::crashed || state->status == exec::InstanceStatus::backoff) {
        return started.name + " exited (" + state->last_exit + ")";
      }
      return std::nullopt;
    };
    if (instance.process != "web") continue;
    HealthProbe probe;
    probe.port = instance.port;
    probe.path = health.path;
    probe.host_header = project_.name + ".localhost";
    log_->line(fmt::format("waiting for {} to answer {} (up to {}s)", started.name,
                           health.path.empty() ? std::string("a TCP connection") : "GET " + health.path,
                           health.timeout.count() / 1000));
    auto result = wait_healthy(probe, health.timeout, stop_reason);
    if (stopping_) throw DeployInterrupted{};
    if (!result.healthy) {
      throw DeployFailure{"health check failed for " + started.name + ": " + result.detail,
                          recent_lines(started, kTailLines)};
    }
    log_->line(started.name + " is healthy: " + result.detail);
  }
  // Other processes (workers) have no health check: they must at least still run.
  for (const auto& started : started_) {
    auto state = exec::read_state(started.instance.dir);
    if (state && (state->status == exec::InstanceStatus::crashed || state->status == exec::InstanceStatus::backoff)) {
      throw DeployFailure{started.name + " exited (" + state->last_exit + ")", recent_lines(started, kTailLines)};
    }
  }
}

void LocalDeployment::check_static_site() {
  const auto root = std::filesystem::path(release_.dir) / plan_.app.static_root;
  if (!std::filesystem::exists(root / "index.html")) {
    throw DeployFailure{"the static site has no index.html in " + plan_.app.static_root + "/"};
  }
  const auto& path = environment_->health.path;
  if (!path.empty()) {
    auto file = (root / std::filesystem::path(path).relative_path()).lexically_normal();
    if (!std::filesystem::exists(file) && !std::filesystem::exists(file / "index.html")) {
      throw DeployFailure{"health check failed: the static site has no " + path};
    }
  }
  log_->line("static site in " + plan_.app.static_root + "/ is ready: nginx serves it directly");
}

void LocalDeployment::switch_traffic() {
  go_live();
  try {
    std::filesystem::create_directories(services_.layout.app_environment(project_.name, deployment_.environment));
    switch_symlink(services_.layout.current_link(project_.name, deployment_.environment), release_.dir);
  } catch (const std::exception& e) {
    log_->line(std::string("warning: could not switch the current link: ") + e.what());
  }
  log_live_url();
}

void LocalDeployment::drain_and_stop_previous() {
  std::vector<store::Instance> old;
  for (const auto& instance : store_.list_instances(project_.id, true)) {
    if (instance.environment == deployment_.environment && instance.deployment_id != deployment_.id) {
      old.push_back(instance);
    }
  }
  if (old.empty()) return;
  const auto drain = environment_->drain;
  log_->line(fmt::format("draining {} old instance(s) for {} ms", old.size(), drain.count()));
  const auto until = std::chrono::steady_clock::now() + drain;
  while (std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);

  stop_instances(old);
  log_->line(fmt::format("stopped {} old instance(s)", old.size()));
}

void LocalDeployment::stop_started() {
  std::vector<store::Instance> instances;
  for (const auto& started : started_) instances.push_back(started.instance);
  stop_instances(std::move(instances));
  if (!started_.empty() && log_) log_->line(fmt::format("stopped the {} new instance(s)", started_.size()));
  started_.clear();
}

// Stops INSTANCES and retires their records.
void LocalDeployment::stop_instances(std::vector<store::Instance> instances) {
  for (const auto& warning : retire_instances(store_, services_.layout, std::move(instances), services_.settings.stop_grace)) {
    if (log_) log_->line("warning: " + warning);
  }
}

// The last COUNT lines STARTED wrote to its process log since it started.
std::string LocalDeployment::recent_lines(const Started& started, std::size_t count) const {
  std::ifstream in(services_.layout.process_log(project_.name, deployment_.environment, started.instance.process));
  in.seekg(0, std::ios::end);
  const auto size = static_cast<long long>(in.tellg());
  constexpr long long kTailBytes = 256 * 1024;  // the log is shared by every instance and release
  in.seekg(size > kTailBytes ? size - kTailBytes : 0);
  std::vector<std::string> lines;
  const std::string marker = " " + started.name + " | ";
  for (std::string line; std::getline(in, line);) {
    auto at = line.find(marker);
    if (at == std::string::npos || line.compare(0, at, started.started_at) < 0) continue;
    lines.push_back(line);
    if (lines.size() > count) lines.erase(lines.begin());
  }
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace slipway::deploy
