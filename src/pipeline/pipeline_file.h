// The pipeline file, slipway.yml: its parsed form and the parser that
// validates every key and reports errors as "slipway.yml:LINE:COL: message".
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/cron_expression.h"
#include "pipeline/host_address.h"
#include "pipeline/outbound_settings.h"
#include "util/expected.h"

namespace slipway::pipeline {

using Milliseconds = std::chrono::milliseconds;

// `when: {branch: [...]}`: empty means "every branch".
struct BranchFilter {
  std::vector<std::string> patterns;  // globs: `*` stays within one path segment, `**` crosses `/`
  bool matches(std::string_view branch) const;
};

struct EnvVar {
  std::string name;
  std::string value;
};

struct Service {  // a sidecar container of a step with `image:` (exec/container_step.h)
  std::string name;
  std::string image;
  std::vector<EnvVar> env;
};

struct Step {
  std::string name;
  std::vector<std::string> commands;   // `run`: a string is one command, a list several
  std::vector<std::string> needs;      // names; when absent in the file: the step before it
  std::vector<std::size_t> need_indices;  // the same, as indices into PipelineFile::steps
  std::vector<EnvVar> env;
  std::optional<Milliseconds> timeout;
  BranchFilter when;
  std::vector<std::string> artifacts;
  std::string image;                    // empty: run on the host
  std::vector<Service> services;
  int line = 0;                         // where the step is defined

  // The script given to `/bin/sh -e -c`: the commands, one per line.
  std::string script() const;
};

enum class Target { local, ssh, docker, compose, kubernetes };
std::string_view target_name(Target target);

struct HealthCheck {
  std::string path;                     // HTTP path; empty: a TCP connect is enough
  std::string url;                      // ssh target: per-host URL template, e.g. http://{host}:8000/healthz
  std::string command;                  // ssh target: a command run on the host instead
  Milliseconds timeout{30000};
};

// One entry of `deploy:`. Parsed and validated here; executed by the deploy layer.
struct Environment {
  std::string name;
  Target target = Target::local;
  std::string branch;                   // empty: the project's default branch
  std::string after;                    // promote what is live in this environment
  bool manual_approval = false;         // `approval: manual`
  HealthCheck health;
  int keep = 5;
  Milliseconds drain{10000};
  // ssh
  std::vector<std::string> hosts;       // user@host[:port]
  std::string path;
  int batch = 1;
  std::string restart;
  std::vector<std::string> shared;
  std::string release_host;
  std::string proxy = "auto";           // the app's nginx on each host: auto (when installed) | nginx | none
  // docker / compose
  std::string registry;
  int port = 0;                         // docker/compose: the container's port; ssh: the app's PORT on each host
  std::string docker_host;
  HostAddress docker_address;           // docker_host's host (ssh:// or tcp://); empty host: this machine
  std::string compose_file;
  // kubernetes
  std::vector<std::string> manifests;
  std::string namespace_name;
  std::string context;
  int line = 0;
};

// `build:`: how the app is built and run when it has no Procfile / Dockerfile.
struct BuildSettings {
  std::string type;                     // empty: detect; else python | node | node-static | static
  std::string output;                   // the directory a static build produces
  std::vector<EnvVar> base_images;      // app type -> image reference
};

// One entry of `on.schedule`: a run of BRANCH's head whenever the cron expression (UTC) matches.
struct Schedule {
  std::string cron;                     // as written; with the branch, what the daemon remembers it by
  CronExpression expression;
  std::string branch;                   // empty: the project's default branch
  int line = 0;
};

struct PipelineFile {
  std::vector<Step> steps;
  BranchFilter when;                    // pipeline-wide branch filter
  std::vector<Environment> environments;
  BuildSettings build;
  std::optional<CommitStatusSettings> status;  // `status:`: commit statuses reported to a forge
  std::vector<Notification> notify;     // `notify:`: webhooks called when a deployment ends
  std::vector<Schedule> schedules;      // `on.schedule`; read by the daemon from the default branch
};

// Parses and validates TEXT. On failure the error holds one line per problem,
// each "FILE:LINE:COL: message", in the order they appear in the file.
util::Expected<PipelineFile> parse_pipeline(std::string_view text, std::string_view file_name = "slipway.yml");

}  // namespace slipway::pipeline
