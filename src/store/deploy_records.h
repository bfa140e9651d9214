// The records of the CD half: releases, deployments, what is live in each
// environment, app configuration versions, app instances, domains and the
// process formation. Plain data; state names are the ones the API shows.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace slipway::store {

// An immutable, numbered build of an app: a tree under releases/APP plus the
// configuration version it runs with. A config change makes a new release
// that shares the code tree of the one it was made from.
struct Release {
  Id id = 0;
  Id project_id = 0;
  int number = 0;              // per project, from 1
  Id run_id = 0;               // 0: not made by a run (a config change)
  std::string commit;
  int config_version = 0;
  std::string dir;             // the release tree
  std::string app_type;        // procfile | python | node-static | static | node, once known
  TimeMs created_at = 0;
};

// `waiting`: delivered (for ssh targets: copied to every host), parked until
// someone approves (back to queued) or rejects it (cancelled).
enum class DeploymentStatus { queued, running, waiting, success, failed, superseded, cancelled, interrupted };
std::string_view to_string(DeploymentStatus status);
std::optional<DeploymentStatus> parse_deployment_status(std::string_view text);
bool is_finished(DeploymentStatus status);

struct Deployment {
  Id id = 0;
  Id project_id = 0;
  std::string project;         // the project's name
  std::string environment;
  Id release_id = 0;
  int release_number = 0;
  Id previous_release_id = 0;  // what was live when it started (0: nothing)
  int previous_release_number = 0;
  std::string kind = "deploy";  // deploy | rollback | config | scale
  DeploymentStatus status = DeploymentStatus::queued;
  std::string reason;
  std::string trigger;          // push | manual | rollback | config | scale | promotion
  std::string approved_by;      // the token that approved it (approval: manual), or who rejected it
  TimeMs created_at = 0;
  TimeMs started_at = 0;
  TimeMs finished_at = 0;
};

// What serves an environment now: the deployment whose instances take traffic.
struct LiveRelease {
  Id project_id = 0;
  std::string environment;
  Id deployment_id = 0;
  Id release_id = 0;
  int release_number = 0;
  Id previous_release_id = 0;
  TimeMs since = 0;
};

struct ConfigEntry {
  std::string key;
  std::string value;           // sealed (util::SecretBox) when secret
  bool secret = false;
};

struct ConfigVersion {
  int version = 0;             // 0: nothing set yet
  std::vector<ConfigEntry> entries;  // sorted by key
};

// One supervised app process. `active` instances belong to a deployment that
// serves or is being started; retired ones are stopped and kept for history
// only until their deployment's rows are cleaned.
struct Instance {
  Id id = 0;
  Id project_id = 0;
  std::string environment;
  Id deployment_id = 0;
  Id release_id = 0;
  std::string process;         // web, worker, ...
  int index = 1;
  int port = 0;
  std::string dir;             // the instance directory (spec.json, state.json)
  bool active = true;
  std::int64_t supervisor_pid = 0;
  std::int64_t supervisor_start_time = 0;
  std::string container;       // target docker: the container's name (no supervisor, no dir)
  std::string docker_host;     // ... and the engine it runs on (empty: the default)
  std::string compose_project; // target compose: the stack it belongs to (compose starts and stops it)
  std::string address;         // where `port` is: empty for 127.0.0.1, else a remote engine's IP address
};

// How one host of an ssh environment fared in one deployment.
struct DeploymentHost {
  Id deployment_id = 0;
  std::string host;             // as written in slipway.yml: user@host[:port]
  std::string status;           // pending | delivered | switched | healthy | failed | rolled_back | unreachable
  std::string detail;           // the error, or what was done
  std::int64_t bytes_sent = 0;  // rsync's "Total bytes sent" for the release tree
  TimeMs updated_at = 0;
};

// A release tree present on a host of an ssh environment, and whether it is the host's `current`.
struct HostRelease {
  Id project_id = 0;
  std::string environment;
  std::string host;
  Id release_id = 0;
  int release_number = 0;
  bool live = false;
  TimeMs delivered_at = 0;
};

using Formation = std::map<std::string, int>;  // process name -> instance count

struct DeploymentFilter {
  std::optional<Id> project_id;
  std::optional<std::string> environment;
  std::optional<DeploymentStatus> status;
  int limit = 50;
};

}  // namespace slipway::store
