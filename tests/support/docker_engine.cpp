#include "docker_engine.h"

#include <cstdlib>
#include <sstream>
#include <vector>

#include "daemon_process.h"
#include "util/crypto.h"

namespace slipway::testing {

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

void remove_labelled(const std::string& label) {
  auto containers = containers_labelled(label);
  if (!containers.empty()) {
    std::vector<std::string> args = {"docker", "rm", "--force"};
    args.insert(args.end(), containers.begin(), containers.end());
    run_command(args);
  }
  for (const auto& network : lines(docker_output({"network", "ls", "--quiet", "--filter", "label=" + label}))) {
    run_command({"docker", "network", "rm", network});
  }
}

}  // namespace

bool docker_required() {
  const char* value = std::getenv("SLIPWAY_TEST_DOCKER");
  return value && std::string(value) == "1";
}

std::string docker_unavailable() {
  auto info = run_command({"docker", "version", "--format", "{{.Server.Version}}"}, {}, {}, std::chrono::seconds(20));
  if (info.exit_code == 0) return "";
  return "no Docker engine answers (run the tests with scripts/test.sh, which starts one): " + info.output;
}

std::string test_registry() {
  const char* value = std::getenv("SLIPWAY_TEST_REGISTRY");
  return value ? value : "";
}

std::string docker_output(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"docker"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run_command(argv, {}, {}, std::chrono::seconds(60));
  return result.exit_code == 0 ? result.output : "";
}

std::vector<std::string> containers_labelled(const std::string& label, const std::string& and_label) {
  std::vector<std::string> args = {"ps", "--all", "--format", "{{.Names}}", "--filter", "label=" + label};
  if (!and_label.empty()) args.insert(args.end(), {"--filter", "label=" + and_label});
  return lines(docker_output(args));
}

void remove_docker_leftovers(const std::string& home, const std::vector<std::string>& compose_projects) {
  const std::string home_label = "slipway.home=" + util::sha256_hex(home).substr(0, 12);
  for (const auto& project : compose_projects) remove_labelled("com.docker.compose.project=" + project);
  remove_labelled(home_label);
  auto images = lines(docker_output({"image", "ls", "--quiet", "--filter", "label=" + home_label}));
  if (!images.empty()) {
    std::vector<std::string> args = {"docker", "image", "rm", "--force"};
    args.insert(args.end(), images.begin(), images.end());
    run_command(args);
  }
}

}  // namespace slipway::testing
