// The Docker engine, through its own CLI: argv only, the engine chosen by
// DOCKER_HOST (a unix socket, tcp://, or ssh://user@host, which the CLI
// reaches through its own SSH support). Slipway never starts an engine; it
// uses the one it is given. Everything Slipway creates carries the label
// slipway.home=LABEL, so two Slipway homes sharing one engine never touch
// each other's containers.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "util/captured_command.h"

namespace slipway::exec {

// The slipway.home label of the home directory HOME: a short hash of its path.
std::string docker_home_label(const std::string& home);

// "name=value" pairs for `docker run --label`, in order.
std::vector<std::string> label_arguments(const std::vector<std::pair<std::string, std::string>>& labels);

class DockerCli {
 public:
  // DOCKER_HOST empty: the CLI's own default (DOCKER_HOST of this process, else the local socket).
  // ENV is added to the CLI's environment: the values of `-e NAME` arguments come from there,
  // so that no value is ever on a command line.
  explicit DockerCli(std::string docker_host = {}, std::vector<std::string> env = {});

  // Runs `docker ARGS...` to its end. Throws util::Error only when docker cannot be started.
  util::CapturedResult run(const std::vector<std::string>& args, const std::string& input = {},
                           std::chrono::milliseconds timeout = std::chrono::minutes(2),
                           const std::atomic<bool>* stop = nullptr) const;
  // Like run(), but a failure throws util::Error with "docker VERB: OUTPUT'S LAST LINE".
  std::string check(const std::vector<std::string>& args, const std::string& input = {},
                    std::chrono::milliseconds timeout = std::chrono::minutes(2),
                    const std::atomic<bool>* stop = nullptr) const;

  // Runs `docker-compose ARGS...` (compose v1, with the same engine and environment) to its end.
  util::CapturedResult compose(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                               const std::atomic<bool>* stop = nullptr) const;

  // The names of the containers (running or not) having every one of LABELS ("key=value" or "key").
  std::vector<std::string> containers_with(const std::vector<std::string>& labels) const;
  // Removes containers (running or not); what is already gone is no error. Returns what failed.
  std::vector<std::string> remove_containers(const std::vector<std::string>& names) const;
  // The host address (e.g. "127.0.0.1:49153") that CONTAINER's PORT/tcp (0: its first port) is
  // published on.
  std::optional<std::string> published_address(const std::string& container, int port) const;

  const std::string& docker_host() const { return docker_host_; }
  std::vector<std::string> environment() const;

 private:
  std::string docker_host_;
  std::vector<std::string> env_;
};

// The last non-empty line of OUTPUT (docker's error message), or "" .
std::string last_line(const std::string& output);

}  // namespace slipway::exec
