#include "deploy/instance_retirement.h"

#include <map>
#include <set>

#include "deploy/docker_deployment.h"
#include "deploy/release_directory.h"
#include "exec/docker_cli.h"
#include "exec/instance_control.h"
#include "util/strings.h"

namespace slipway::deploy {

std::vector<std::string> retire_instances(store::Store& store, const store::HomeLayout& layout,
                                          std::vector<store::Instance> instances, std::chrono::milliseconds grace) {
  using namespace std::chrono_literals;
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
  // A compose app goes with its whole stack: every container and network compose labelled as the project's.
  auto engine = [&](const Engine& key) {
    auto project = store.find_project(key.second);
    return docker_engine(layout, project ? project->name : "", key.first);
  };
  for (const auto& [key, projects] : stacks) {
    for (const auto& project : projects) {
      const std::string label = "com.docker.compose.project=" + project;
      try {
        auto docker = engine(key);
        auto names = docker.containers_with({label});
        if (!names.empty()) {
          std::vector<std::string> args = {"stop", "--time", std::to_string(std::max<long long>(1, grace.count() / 1000))};
          args.insert(args.end(), names.begin(), names.end());
          docker.run(args, {}, grace + 30s);
          for (const auto& name : docker.remove_containers(names)) warnings.push_back("cannot remove container " + name);
        }
        auto networks = docker.run({"network", "ls", "--quiet", "--filter", "label=" + label});
        for (const auto& line : util::split(networks.output, '\n')) {
          const std::string id(util::trim(line));
          if (!id.empty()) docker.run({"network", "rm", id});
        }
      } catch (const std::exception& e) {
        warnings.push_back("cannot stop compose project " + project + ": " + e.what());
      }
    }
  }
  for (const auto& dir : exec::stop_instances(dirs, grace + 5s)) {
    warnings.push_back("the instance in " + dir + " did not stop in time: killed");
  }
  for (const auto& [key, names] : containers) {
    try {
      auto docker = engine(key);
      std::vector<std::string> args = {"stop", "--time", std::to_string(std::max<long long>(1, grace.count() / 1000))};
      args.insert(args.end(), names.begin(), names.end());
      docker.run(args, {}, grace + 30s);  // what did not stop is removed with force below
      for (const auto& name : docker.remove_containers(names)) warnings.push_back("cannot remove container " + name);
    } catch (const std::exception& e) {
      warnings.push_back(std::string("cannot stop containers: ") + e.what());
    }
  }
  for (auto& instance : instances) {
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
