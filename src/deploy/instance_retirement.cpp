#include "deploy/instance_retirement.h"

#include <map>
#include <set>

#include "deploy/container_deployment.h"
#include "deploy/release_directory.h"
#include "exec/docker_cli.h"
#include "exec/instance_control.h"
#include "util/strings.h"

namespace slipway::deploy {

namespace {

using namespace std::chrono_literals;

// docker stop (TERM, GRACE, KILL), then docker rm. Returns the names that are still there.
std::vector<std::string> stop_and_remove(const exec::DockerCli& docker, const std::vector<std::string>& names,
                                         std::chrono::milliseconds grace) {
  if (names.empty()) return {};
  std::vector<std::string> args = {"stop", "--time", std::to_string(std::max<long long>(1, grace.count() / 1000))};
  args.insert(args.end(), names.begin(), names.end());
  docker.run(args, {}, grace + 30s);  // what did not stop is removed with force
  return docker.remove_containers(names);
}

}  // namespace

std::vector<std::string> retire_instances(store::Store& store, const store::HomeLayout& layout,
                                          std::vector<store::Instance> instances, std::chrono::milliseconds grace) {
  std::vector<std::string> warnings;
  std::vector<std::string> dirs;
  // By engine and app (an engine reached over ssh is reached with the app's key).
  using Engine = std::pair<std::string, store::Id>;
  std::map<Engine, std::vector<std::string>> containers;
  std::map<Engine, std::set<std::string>> stacks;
  for (const auto& instance : instances) {
    if (!instance.compose_project.empty()) {
      stacks[{instance.docker_host, instance.project_id}].insert(instance.compose_project);
    } else if (instance.container.empty()) {
      dirs.push_back(instance.dir);
    } else {
      containers[{instance.docker_host, instance.project_id}].push_back(instance.container);
    }
  }
  auto engine = [&](const Engine& key) {
    auto project = store.find_project(key.second);
    return docker_engine(layout, project ? project->name : "", key.first);
  };
  // What could not be removed stays on record (active), so that a later start of slipway or the
  // app's deletion tries again: a container with a restart policy would otherwise run unknown.
  std::set<std::string> left;
  // A compose app goes with its whole stack: every container and network compose labelled as the project's.
  for (const auto& [key, projects] : stacks) {
    for (const auto& project : projects) {
      const std::string label = "com.docker.compose.project=" + project;
      try {
        auto docker = engine(key);
        auto remaining = stop_and_remove(docker, docker.containers_with({label}), grace);
        for (const auto& name : remaining) warnings.push_back("cannot remove container " + name);
        if (!remaining.empty()) left.insert(project);
        auto networks = docker.run({"network", "ls", "--quiet", "--filter", "label=" + label});
        for (const auto& line : util::split(networks.output, '\n')) {
          const std::string id(util::trim(line));
          if (!id.empty()) docker.run({"network", "rm", id});
        }
      } catch (const std::exception& e) {
        warnings.push_back("cannot stop compose project " + project + ": " + e.what());
        left.insert(project);
      }
    }
  }
  for (const auto& dir : exec::stop_instances(dirs, grace + 5s)) {
    warnings.push_back("the instance in " + dir + " did not stop in time: killed");
  }
  for (const auto& [key, names] : containers) {
    try {
      for (const auto& name : stop_and_remove(engine(key), names, grace)) {
        warnings.push_back("cannot remove container " + name);
        left.insert(name);
      }
    } catch (const std::exception& e) {
      warnings.push_back(std::string("cannot stop containers: ") + e.what());
      left.insert(names.begin(), names.end());
    }
  }
  for (auto& instance : instances) {
    if (left.count(instance.container) || left.count(instance.compose_project)) continue;
    instance.active = false;
    try {
      store.update_instance(instance);
      if (!instance.dir.empty()) remove_tree(instance.dir);
    } catch (const std::exception& e) {
      warnings.push_back("instance " + std::to_string(instance.id) + ": " + e.what());
    }
  }
  return warnings;
}

}  // namespace slipway::deploy
