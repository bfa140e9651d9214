#include "exec/docker_cli.h"

#include "util/crypto.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::exec {

std::string docker_home_label(const std::string& home) { return util::sha256_hex(home).substr(0, 12); }

std::vector<std::string> label_arguments(const std::vector<std::pair<std::string, std::string>>& labels) {
  std::vector<std::string> out;
  for (const auto& [key, value] : labels) {
    out.push_back("--label");
    out.push_back(key + "=" + value);
  }
  return out;
}

std::string last_line(const std::string& output) {
  auto end = output.find_last_not_of(" \r\n\t");
  if (end == std::string::npos) return "";
  auto start = output.rfind('\n', end);
  return output.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
}

DockerCli::DockerCli(std::string docker_host, std::vector<std::string> env)
    : docker_host_(std::move(docker_host)), env_(std::move(env)) {}

std::vector<std::string> DockerCli::environment() const {
  auto env = util::our_environment();
  if (!docker_host_.empty()) env.push_back("DOCKER_HOST=" + docker_host_);
  // The classic builder: the same output whether or not buildx is installed.
  env.push_back("DOCKER_BUILDKIT=0");
  env.push_back("DOCKER_CLI_HINTS=false");
  env.insert(env.end(), env_.begin(), env_.end());
  return util::unique_environment(std::move(env));
}

util::CapturedResult DockerCli::run(const std::vector<std::string>& args, const std::string& input,
                                    std::chrono::milliseconds timeout, const std::atomic<bool>* stop) const {
  util::CapturedCommand command;
  command.argv = {"docker"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.env = environment();
  command.input = input;
  command.timeout = timeout;
  command.stop = stop;
  return util::run_captured(command);
}

util::CapturedResult DockerCli::compose(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                                        const std::atomic<bool>* stop) const {
  util::CapturedCommand command;
  command.argv = {"docker-compose"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.env = environment();
  command.timeout = timeout;
  command.stop = stop;
  return util::run_captured(command);
}

std::string DockerCli::check(const std::vector<std::string>& args, const std::string& input,
                             std::chrono::milliseconds timeout, const std::atomic<bool>* stop) const {
  auto result = run(args, input, timeout, stop);
  if (result.ok()) return result.output;
  const std::string verb = args.empty() ? "" : args.front();
  if (result.timed_out) throw util::Error("docker " + verb + ": timed out");
  if (result.stopped) throw util::Error("docker " + verb + ": stopped");
  auto line = last_line(result.output);
  throw util::Error("docker " + verb + ": " + (line.empty() ? "exit status " + std::to_string(result.exit_code) : line));
}

std::vector<std::string> DockerCli::containers_with(const std::vector<std::string>& labels) const {
  std::vector<std::string> args = {"ps", "--all", "--no-trunc", "--format", "{{.Names}}"};
  for (const auto& label : labels) {
    args.push_back("--filter");
    args.push_back("label=" + label);
  }
  std::vector<std::string> names;
  for (const auto& line : util::split(check(args), '\n')) {
    std::string name(util::trim(line));
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

std::vector<std::string> DockerCli::remove_containers(const std::vector<std::string>& names) const {
  if (names.empty()) return {};
  std::vector<std::string> args = {"rm", "--force"};
  args.insert(args.end(), names.begin(), names.end());
  auto result = run(args);
  if (result.ok()) return {};
  // One "Error ..." line per container that could not be removed; "No such container" is what we wanted.
  std::vector<std::string> failed;
  for (const auto& line : util::split(result.output, '\n')) {
    if (line.find("Error") == std::string::npos || line.find("No such container") != std::string::npos) continue;
    for (const auto& name : names) {
      if (line.find(name) != std::string::npos) failed.push_back(name);
    }
  }
  if (failed.empty() && (result.timed_out || result.output.find("No such container") == std::string::npos)) return names;
  return failed;
}

std::optional<std::string> DockerCli::published_address(const std::string& container, int port) const {
  std::vector<std::string> args = {"port", container};
  if (port > 0) args.push_back(std::to_string(port) + "/tcp");
  auto result = run(args);
  if (!result.ok()) return std::nullopt;
  for (const auto& line : util::split(result.output, '\n')) {
    std::string address(util::trim(line));
    // Without a port, each line is "8000/tcp -> 127.0.0.1:49153".
    if (auto arrow = address.find(" -> "); arrow != std::string::npos) address.erase(0, arrow + 4);
    // "127.0.0.1:49153", or "[::]:49153" next to "0.0.0.0:49153": the IPv4 one.
    if (!address.empty() && address.front() != '[') return address;
  }
  return std::nullopt;
}

}  // namespace slipway::exec
