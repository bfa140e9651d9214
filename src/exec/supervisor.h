// `slipway supervise INSTANCE_DIR`: the process that keeps one deployed app
// instance running. The daemon starts it in a session of its own and does not
// own it, so apps keep running while the daemon restarts or after it is killed;
// a restarted daemon finds the instance again through the directory:
//   spec.json       what to run (read once at start)
//   state.json      status, app pid + start time, restarts; rewritten on every change
//   supervisor.pid  this process's pid, flock()ed while it runs: one supervisor per instance
//
// Life of the supervisor:
// - starts the app in its own process group (stdin /dev/null, stdout and
//   stderr into a pipe whose lines go to the spec's log, secrets masked);
// - when the app exits, kills what is left of its group and starts it again
//   after a backoff (see SupervisorBackoff); after max_restarts quick failures
//   in a row the status is `crashed` and the supervisor stays, idle, until it
//   is told to stop: its state stays readable and stopping works the same way
//   in every status;
// - on SIGTERM or SIGINT: SIGTERM to the app's group, SIGKILL after
//   stop_grace, status `stopped`, supervisor.pid removed, exit 0.
// It is a child subreaper: a process that escaped the app's group (setsid, a
// double fork) becomes its child when its parent dies and is killed when the
// app exits or stops. If the supervisor itself is killed, its app lives on;
// exec::kill_orphaned_app ends it from the pid and start time in state.json.
#pragma once

#include <string>

namespace slipway::exec {

// Runs until stopped; returns the process's exit status (0 after a stop, 1
// when the instance cannot be supervised: unreadable spec, log, or another
// supervisor already holds the instance).
int run_supervisor(const std::string& instance_dir);

}  // namespace slipway::exec
