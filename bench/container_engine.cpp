#include "container_engine.h"

#include <cstdio>
#include <set>
#include <stdexcept>

#include "docker_engine.h"
#include "util/strings.h"

namespace slipway::bench {

using namespace slipway::testing;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (auto& line : util::split(text, '\n')) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

// Deletes every manifest of REPOSITORY from the registry (which allows deletion). Best effort.
void delete_from_registry(const std::string& registry, const std::string& repository) {
  const std::string base = "http://" + registry;
  try {
    auto tags = http_request("GET", base, "/v2/" + repository + "/tags/list");
    if (tags.status != 200) return;
    const auto list = tags.json()["tags"];
    if (!list.is_array()) return;
    std::set<std::string> digests;
    for (const auto& tag : list) {
      auto manifest = http_request("GET", base, "/v2/" + repository + "/manifests/" + tag.get<std::string>(),
                                   "", {{"Accept", "application/vnd.docker.distribution.manifest.v2+json"}});
      auto digest = manifest.headers.find("docker-content-digest");
      if (manifest.status == 200 && digest != manifest.headers.end()) digests.insert(digest->second);
    }
    for (const auto& digest : digests)
      http_request("DELETE", base, "/v2/" + repository + "/manifests/" + digest);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: could not clean %s/%s: %s\n", registry.c_str(), repository.c_str(),
                 e.what());
  }
}

// `docker COMMAND... NAMES...` when NAMES is not empty.
void docker_on(std::vector<std::string> command, const std::vector<std::string>& names) {
  if (names.empty()) return;
  command.insert(command.begin(), "docker");
  command.insert(command.end(), names.begin(), names.end());
  run_command(command);
}

}  // namespace

std::string bench_registry() {
  auto registry = test_registry();
  return registry.empty() ? "127.0.0.1:5000" : registry;
}

std::string containers_unavailable(const std::string& registry, const std::string& base_image) {
  if (auto why = docker_unavailable(); !why.empty()) return why;
  try {
    if (http_request("GET", "http://" + registry, "/v2/").status != 200)
      return "the registry at " + registry + " refuses";
  } catch (const std::exception& e) {
    return "no registry answers at " + registry + " (scripts/test-services.sh start DIR): " + e.what();
  }
  if (docker_output({"image", "inspect", "--format", "{{.Id}}", base_image}).empty()) {
    return "no image " + base_image + " (scripts/base-images.sh)";
  }
  return "";
}

std::string docker_checked(const std::vector<std::string>& args, std::chrono::seconds limit) {
  std::vector<std::string> argv = {"docker"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run_command(argv, "", {}, limit);
  if (result.exit_code != 0) throw std::runtime_error("docker " + args[0] + ": " + result.output);
  return result.output;
}

int published_port(const std::string& container, int port) {
  // "127.0.0.1:32771", one line per address
  const auto out =
      docker_checked({"port", container, std::to_string(port) + "/tcp"}, std::chrono::seconds(30));
  const auto lines = lines_of(out);
  const std::string first = lines.empty() ? "" : std::string(util::trim(lines[0]));
  const auto colon = first.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("docker port " + container + ": " + out);
  return std::stoi(first.substr(colon + 1));
}

EngineCleanup::EngineCleanup(Bench& bench, std::string registry, std::vector<std::string> repositories,
                             std::string by_hand_prefix)
    : bench_(bench),
      registry_(std::move(registry)),
      repositories_(std::move(repositories)),
      by_hand_prefix_(std::move(by_hand_prefix)) {}

EngineCleanup::~EngineCleanup() {
  try {
    bench_.daemon_.stop();
    remove_docker_leftovers(bench_.home_);
    docker_on({"rm", "--force"}, lines_of(docker_output({"ps", "--all", "--format", "{{.Names}}", "--filter",
                                                         "name=" + by_hand_prefix_})));
    for (const auto& repository : repositories_) {
      const std::string name = registry_ + "/" + repository;
      docker_on({"image", "rm", "--force"},
                lines_of(docker_output({"image", "ls", name, "--format", "{{.Repository}}:{{.Tag}}"})));
      delete_from_registry(registry_, repository);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: cleaning up the Docker engine: %s\n", e.what());
  }
}

}  // namespace slipway::bench
