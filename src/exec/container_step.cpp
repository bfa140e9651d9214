#include "exec/container_step.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "exec/docker_cli.h"
#include "util/child_process.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::exec {

namespace {

using namespace std::chrono_literals;

constexpr auto kServiceHealthTimeout = 120s;

std::string prefix(const std::string& home_label, std::int64_t run_id) {
  return "slipway-" + home_label.substr(0, 8) + "-run" + std::to_string(run_id);
}

// Starts SERVICE unless an earlier step of the run did; waits for its HEALTHCHECK when it has one.
void start_service(const DockerCli& docker, const ContainerStepSpec& spec, const pipeline::Service& service) {
  const auto name = service_container_name(spec.home_label, spec.run_id, service.name);
  auto state = docker.run({"inspect", "--format", "{{.State.Status}}", name}, {}, 30s);
  if (state.ok() && util::trim(state.output) == "running") {
    std::cout << "service " << service.name << ": already running (" << service.image << ")" << std::endl;
    return;
  }
  if (state.ok()) docker.remove_containers({name});
  std::vector<std::string> args = {"run", "--detach", "--name", name, "--network", run_network_name(spec.home_label, spec.run_id),
                                   "--network-alias", service.name};
  for (const auto& label :
       label_arguments({{"slipway.home", spec.home_label}, {"slipway.run", std::to_string(spec.run_id)}})) {
    args.push_back(label);
  }
  for (const auto& var : service.env) {
    args.push_back("--env");
    args.push_back(var.name + "=" + var.value);  // from slipway.yml itself, not a secret
  }
  args.push_back(service.image);
  auto started = docker.run(args, {}, 10min);
  if (started.ok()) {
    std::cout << "service " << service.name << ": started " << service.image << std::endl;
  } else if (started.output.find("is already in use") != std::string::npos) {
    // A step of the same run that started at the same moment got there first.
    std::cout << "service " << service.name << ": started by another step" << std::endl;
  } else {
    throw util::Error("docker run " + service.image + ": " + last_line(started.output));
  }

  auto has_check = docker.run({"inspect", "--format", "{{if .State.Health}}yes{{end}}", name}, {}, 30s);
  if (util::trim(has_check.output) != "yes") return;
  const auto deadline = std::chrono::steady_clock::now() + kServiceHealthTimeout;
  for (;;) {
    auto health = docker.run({"inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", name}, {}, 30s);
    const std::string now(util::trim(health.output));
    if (now == "running healthy") break;
    if (now.rfind("running", 0) != 0 || now == "running unhealthy" || std::chrono::steady_clock::now() > deadline) {
      auto logs = docker.run({"logs", "--tail", "20", name}, {}, 30s);
      std::cout << logs.output;
      throw util::Error("service " + service.name + " did not become healthy: " + now);
    }
    std::this_thread::sleep_for(250ms);
  }
  std::cout << "service " << service.name << ": healthy" << std::endl;
}

}  // namespace

std::string run_network_name(const std::string& home_label, std::int64_t run_id) { return prefix(home_label, run_id); }

std::string step_container_name(const std::string& home_label, std::int64_t run_id, int position) {
  return prefix(home_label, run_id) + "-step" + std::to_string(position);
}

std::string service_container_name(const std::string& home_label, std::int64_t run_id, const std::string& service) {
  return prefix(home_label, run_id) + "-" + service;
}

std::string to_json(const ContainerStepSpec& spec) {
  nlohmann::json services = nlohmann::json::array();
  for (const auto& service : spec.services) {
    nlohmann::json env = nlohmann::json::array();
    for (const auto& var : service.env) env.push_back({var.name, var.value});
    services.push_back({{"name", service.name}, {"image", service.image}, {"env", env}});
  }
  return nlohmann::json{{"home_label", spec.home_label}, {"run_id", spec.run_id},   {"position", spec.position},
                        {"image", spec.image},           {"script", spec.script},   {"workspace", spec.workspace},
                        {"env_names", spec.env_names},   {"services", services}}
      .dump();
}

ContainerStepSpec container_step_from_json(const std::string& text) {
  try {
    auto json = nlohmann::json::parse(text);
    ContainerStepSpec spec;
    spec.home_label = json.at("home_label").get<std::string>();
    spec.run_id = json.at("run_id").get<std::int64_t>();
    spec.position = json.at("position").get<int>();
    spec.image = json.at("image").get<std::string>();
    spec.script = json.at("script").get<std::string>();
    spec.workspace = json.at("workspace").get<std::string>();
    spec.env_names = json.at("env_names").get<std::vector<std::string>>();
    for (const auto& item : json.at("services")) {
      pipeline::Service service;
      service.name = item.at("name").get<std::string>();
      service.image = item.at("image").get<std::string>();
      for (const auto& var : item.at("env")) service.env.push_back({var.at(0).get<std::string>(), var.at(1).get<std::string>()});
      spec.services.push_back(std::move(service));
    }
    return spec;
  } catch (const nlohmann::json::exception& e) {
    throw util::Error(std::string("invalid container step: ") + e.what());
  }
}

std::vector<std::string> step_run_arguments(const ContainerStepSpec& spec) {
  // --init: the script is not PID 1, so the SIGTERM of a cancel or timeout ends it.
  std::vector<std::string> args = {"run", "--rm", "--init", "--name",
                                   step_container_name(spec.home_label, spec.run_id, spec.position)};
  for (const auto& label :
       label_arguments({{"slipway.home", spec.home_label}, {"slipway.run", std::to_string(spec.run_id)}})) {
    args.push_back(label);
  }
  if (!spec.services.empty()) {
    args.push_back("--network");
    args.push_back(run_network_name(spec.home_label, spec.run_id));
  }
  // Files the step writes belong to whoever runs slipway, not to root, unless that is root.
  if (::getuid() != 0) {
    args.push_back("--user");
    args.push_back(std::to_string(::getuid()) + ":" + std::to_string(::getgid()));
  }
  args.insert(args.end(), {"--volume", spec.workspace + ":/workspace", "--workdir", "/workspace"});
  for (const auto& name : spec.env_names) {
    if (name == "SLIPWAY_WORKSPACE") continue;
    args.push_back("--env");
    args.push_back(name);
  }
  args.insert(args.end(), {"--env", "SLIPWAY_WORKSPACE=/workspace", spec.image, "/bin/sh", "-e", "-c", spec.script});
  return args;
}

int run_container_step(const ContainerStepSpec& spec) {
  DockerCli docker;
  try {
    if (!spec.services.empty()) {
      const auto network = run_network_name(spec.home_label, spec.run_id);
      if (!docker.run({"network", "inspect", network}, {}, 30s).ok()) {
        auto created = docker.run({"network", "create", "--label", "slipway.home=" + spec.home_label, "--label",
                                   "slipway.run=" + std::to_string(spec.run_id), network},
                                  {}, 30s);
        // "already exists": another step of the run made it a moment ago.
        if (!created.ok() && created.output.find("already exists") == std::string::npos) {
          throw util::Error("docker network create: " + last_line(created.output));
        }
      }
      for (const auto& service : spec.services) start_service(docker, spec, service);
    }
  } catch (const std::exception& e) {
    std::cout << e.what() << std::endl;
    return 1;
  }
  std::cout << "running in a container of " << spec.image << std::endl;
  auto args = step_run_arguments(spec);
  args.insert(args.begin(), "docker");
  auto env = docker.environment();
  auto argv = util::c_strings(args);
  auto envp = util::c_strings(env);
  ::execvpe("docker", argv.data(), envp.data());
  std::cout << "cannot run docker: " << std::strerror(errno) << std::endl;
  return 127;
}

ContainerJanitor::ContainerJanitor(std::string home_label) : home_label_(std::move(home_label)) {
  thread_ = std::thread([this] { loop(); });
}

ContainerJanitor::~ContainerJanitor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ContainerJanitor::clean_run(std::int64_t run_id) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back("slipway.run=" + std::to_string(run_id));
  }
  changed_.notify_all();
}

void ContainerJanitor::clean_all_runs() {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back("slipway.run");
  }
  changed_.notify_all();
}

void ContainerJanitor::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return pending_.empty() && !busy_; });
}

void ContainerJanitor::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping, and nothing left to do
    auto label = pending_.front();
    pending_.pop_front();
    busy_ = true;
    lock.unlock();
    clean(label);
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

void ContainerJanitor::clean(const std::string& run_label) {
  try {
    DockerCli docker;
    const std::string home = "slipway.home=" + home_label_;
    auto containers = docker.containers_with({home, run_label});
    for (const auto& name : docker.remove_containers(containers)) spdlog::warn("cannot remove container {}", name);
    auto networks = docker.run({"network", "ls", "--quiet", "--filter", "label=" + home, "--filter", "label=" + run_label},
                               {}, 30s);
    for (const auto& line : util::split(networks.output, '\n')) {
      std::string id(util::trim(line));
      if (id.empty()) continue;
      if (auto removed = docker.run({"network", "rm", id}, {}, 30s); !removed.ok()) {
        spdlog::warn("cannot remove network {}: {}", id, last_line(removed.output));
      }
    }
    if (!containers.empty()) spdlog::info("removed {} container(s) of {}", containers.size(), run_label);
  } catch (const std::exception& e) {
    // No docker on this machine, or no engine: nothing of ours can be running there either.
    spdlog::debug("container cleanup ({}): {}", run_label, e.what());
  }
}

}  // namespace slipway::exec
