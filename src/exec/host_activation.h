// The host side of an ssh deployment without a `restart` command: Slipway's
// own binary, copied to the host, runs the release's processes there under
// the same supervisor as on the Slipway machine. Everything lives under the
// deploy path ROOT:
//   ROOT/.slipway/releases/NAME.json   what to run for release NAME (0600: it holds the config)
//   ROOT/.slipway/instances/NAME/web.1 one instance directory per process (spec.json, state.json)
//   ROOT/logs/web.log                  the processes' output, one line per line, time-stamped
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "util/expected.h"

namespace slipway::exec {

struct HostProcess {
  std::string name;     // web, worker, ...
  std::string command;  // run with /bin/sh -c
  int count = 1;
};

struct HostActivation {
  std::string release;                // NAME: ROOT/releases/NAME is the code
  std::vector<HostProcess> processes;
  int port = 0;                       // PORT of web.1 (web.N gets port + N - 1); 0: no PORT
  std::vector<std::string> env;       // "KEY=VALUE", on top of the login environment
  std::vector<std::string> masked;    // secret values, masked in the process logs
  std::chrono::milliseconds stop_grace{10000};
};

std::string to_json(const HostActivation& activation);
util::Expected<HostActivation> activation_from_json(const std::string& text);

// Stops every instance under ROOT/.slipway/instances (SIGTERM, grace, SIGKILL), then starts
// the processes of the release recorded as ROOT/.slipway/releases/NAME.json under their
// supervisors (SELF_BINARY supervise DIR). Same ports: the old ones are gone before the new
// ones bind. Returns one line per instance started; throws util::Error.
std::vector<std::string> activate_on_host(const std::string& self_binary, const std::string& root,
                                          const std::string& name);
// Stops every instance under ROOT/.slipway/instances.
void stop_on_host(const std::string& root, std::chrono::milliseconds grace);
// One line per instance: "web.1 running pid 123 restarts 0".
std::vector<std::string> status_on_host(const std::string& root);

}  // namespace slipway::exec
