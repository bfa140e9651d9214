// Steps with `image:`: the step's process is `slipway container-step SPEC`,
// which starts the step's `services:` (sidecar containers on a network of the
// run, reachable by their names; started once per run, shared by its steps)
// and then becomes `docker run` of the step's script in the image, with the
// workspace mounted at /workspace and the step's environment passed by name.
// Output, timeouts and cancel work as for any step: the docker CLI passes the
// SIGTERM on to the container (whose init passes it to the script).
// Containers and networks of a run carry the labels slipway.home and
// slipway.run; ContainerJanitor removes them when the run ends, and all of a
// home's at the daemon's start (what a killed daemon left).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/pipeline_file.h"

namespace slipway::exec {

struct ContainerStepSpec {
  std::string home_label;               // docker_home_label() of the daemon's home
  std::int64_t run_id = 0;
  int position = 0;                     // the step's position in the run
  std::string image;
  std::string script;                   // for /bin/sh -e -c
  std::string workspace;                // mounted at /workspace
  std::vector<std::string> env_names;   // passed with --env NAME: values from this process's environment
  std::vector<pipeline::Service> services;
};

std::string to_json(const ContainerStepSpec& spec);
ContainerStepSpec container_step_from_json(const std::string& text);  // throws util::Error

// The docker names of a run's network and containers.
std::string run_network_name(const std::string& home_label, std::int64_t run_id);
std::string step_container_name(const std::string& home_label, std::int64_t run_id, int position);
std::string service_container_name(const std::string& home_label, std::int64_t run_id, const std::string& service);

// `docker run` arguments (after "docker") for SPEC's step container.
std::vector<std::string> step_run_arguments(const ContainerStepSpec& spec);

// The body of `slipway container-step`: starts the services, then replaces this process with
// `docker run`. Returns an exit status only when it could not get that far (messages on stdout).
int run_container_step(const ContainerStepSpec& spec);

// Removes the containers and networks of finished runs, on its own thread (docker takes a while
// and the daemon's event loop must not wait for it).
class ContainerJanitor {
 public:
  explicit ContainerJanitor(std::string home_label);
  ~ContainerJanitor();  // finishes what was asked, then stops

  void clean_run(std::int64_t run_id);
  void clean_all_runs();  // at start: nothing of this home runs yet
  // Blocks until everything asked so far is done (tests, shutdown).
  void wait_idle();

 private:
  void loop();
  void clean(const std::string& run_label);

  std::string home_label_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> pending_;  // "slipway.run=R", or "slipway.run" for all
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace slipway::exec
