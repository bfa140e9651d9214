// The daemon's side of app supervision: starting `slipway supervise DIR` so
// that it outlives the daemon, recognising it again later (pid + start time),
// stopping it, and cleaning up an app whose supervisor was killed.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace slipway::exec {

struct SupervisorHandle {
  int pid = 0;
  long long start_time = 0;  // util::process_start_time: tells a reused pid apart
};

// Starts `SELF_BINARY supervise INSTANCE_DIR` (SELF_BINARY: the slipway
// binary, e.g. /proc/self/exe) in a session of its own and lets go of it: it
// is not an owned child, so it survives the daemon, and the orphan sweeper
// reaps it when it exits. Its stderr goes to INSTANCE_DIR/supervisor.log.
// Waits (at most 5 s) until it has written supervisor.pid and state.json;
// throws util::Error if it exits or does not get there in time.
SupervisorHandle launch_supervisor(const std::string& self_binary, const std::string& instance_dir);

// The handle of the supervisor named in INSTANCE_DIR/state.json (maybe dead).
SupervisorHandle recorded_supervisor(const std::string& instance_dir);

// Whether the process still runs (not a zombie) and is the one we started.
bool supervisor_alive(const SupervisorHandle& handle);
// Asks the supervisor to stop its app and exit (SIGTERM).
void request_stop(const SupervisorHandle& handle);
// Polls until the supervisor is gone, at most TIMEOUT; returns whether it is.
bool wait_stopped(const SupervisorHandle& handle, std::chrono::milliseconds timeout);

// Stops the instances in INSTANCE_DIRS: SIGTERM to every supervisor at once
// (each ends its app: TERM, stop grace, KILL), then waits up to PATIENCE for
// each; one still running then is killed, and so is an app group whose
// supervisor is gone, so nothing is left that no record points to. Returns
// the directories whose supervisor had to be killed.
std::vector<std::string> stop_instances(const std::vector<std::string>& instance_dirs,
                                        std::chrono::milliseconds patience);

// After a daemon restart: if the supervisor recorded in state.json is dead but
// the app group it recorded still runs (same leader start time), kills that
// group, so no app is left without a supervisor. Returns whether it killed.
bool kill_orphaned_app(const std::string& instance_dir);

}  // namespace slipway::exec
