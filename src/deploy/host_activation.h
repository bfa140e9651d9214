// The host side of an ssh deployment without a `restart` command: Slipway's
// own binary, copied to the host, runs the release's processes there under
// the same supervisor as on the Slipway machine. When the host has nginx, a
// private nginx under ROOT/.slipway/nginx listens on the app's port and the
// processes run on loopback ports behind it, so a new release is started
// beside the old one, checked, and switched to with a graceful reload: no
// request is refused; the old processes stop after the drain, in the background. Without nginx the old processes stop before the new ones
// bind the port. Everything lives under the deploy path ROOT:
//   ROOT/.slipway/releases/NAME.json   what to run for release NAME (0600: it holds the config)
//   ROOT/.slipway/instances/NAME.T/web.1 one instance directory per process and activation
//   ROOT/.slipway/nginx/               the private nginx (conf/, logs/, nginx.pid)
//   ROOT/logs/web.log                  the processes' output, one line per line, time-stamped
//   ROOT/logs/slipway-host.log         what the background retirement of old processes says
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "util/expected.h"

namespace slipway::deploy {

struct HostProcess {
  std::string name;     // web, worker, ...
  std::string command;  // run with /bin/sh -c
  int count = 1;
};

struct HostActivation {
  std::string release;                // NAME: ROOT/releases/NAME is the code
  std::vector<HostProcess> processes;
  int port = 0;                       // where the app answers on the host; 0: no PORT
  std::string proxy = "auto";         // auto: nginx when the host has it | nginx | none
  std::string health_path;            // checked on the host before nginx switches ("": a TCP connect)
  std::chrono::milliseconds health_timeout{30000};
  std::chrono::milliseconds drain{2000};  // the old processes' time to finish requests after the switch
  std::vector<std::string> env;       // "KEY=VALUE", on top of the login environment
  std::vector<std::string> masked;    // secret values, masked in the process logs
  std::chrono::milliseconds stop_grace{10000};
};

std::string to_json(const HostActivation& activation);
util::Expected<HostActivation> activation_from_json(const std::string& text);

// Runs the release recorded as ROOT/.slipway/releases/NAME.json (see the file comment) under
// supervisors (SELF_BINARY supervise DIR) and stops whatever ran before. Returns what it did,
// one line per step; throws util::Error (and leaves the old processes serving when it can).
std::vector<std::string> activate_on_host(const std::string& self_binary, const std::string& root,
                                          const std::string& name);
// After DRAIN, stops the instances in DIRS (those under ROOT/.slipway/instances; anything else is
// ignored) and removes their directories: what `slipway host retire` does in the background.
void retire_on_host(const std::string& root, const std::vector<std::string>& dirs, std::chrono::milliseconds drain,
                    std::chrono::milliseconds grace);
// Stops every instance under ROOT/.slipway/instances, and the private nginx.
void stop_on_host(const std::string& root, std::chrono::milliseconds grace);
// One line per instance: "web.1 running pid 123 restarts 0 port 41234".
std::vector<std::string> status_on_host(const std::string& root);

}  // namespace slipway::deploy
