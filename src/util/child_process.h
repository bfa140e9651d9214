// Spawning a child process with posix_spawn: argv only (never a shell string
// built from data), its own process group, chosen stdio, default signal state,
// and a pidfd so an event loop can wait for its exit.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "util/fd.h"

namespace slipway::util {

struct SpawnOptions {
  std::vector<std::string> argv;             // argv[0] is looked up in PATH
  std::vector<std::string> env;              // "KEY=VALUE"; the whole environment
  std::string cwd;                           // empty: inherit
  int stdin_fd = -1;                         // -1: /dev/null
  int stdout_fd = -1;                        // -1: /dev/null
  int stderr_fd = -1;                        // -1: same as stdout
  bool new_process_group = true;             // the child leads its own group
  bool new_session = false;                  // ...and its own session: no controlling terminal
};

// A spawned child. Destroying it without waiting kills its group and reaps it,
// so no child outlives the object that owns it unnoticed.
class ChildProcess {
 public:
  static ChildProcess spawn(const SpawnOptions& options);  // throws Error

  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  bool running() const { return pid_ > 0; }

  // Sends SIG to the child's whole process group (or to the child alone when it
  // has no group of its own). Safe after exit until reaped: a zombie keeps its
  // group id reserved.
  void signal_group(int sig) const;

  // Reaps the child if it has exited; returns its wait status. Never blocks.
  std::optional<int> try_reap();
  // Blocks until the child exits; returns its wait status.
  int wait();

  // Lets go of the child without killing or reaping it (it is to outlive us)
  // and takes it off the owned-children registry, so whoever reaps adopted
  // children reaps it. Returns its pid.
  pid_t release();

 private:
  pid_t pid_ = -1;
  bool own_group_ = false;
  Fd pidfd_;
};

// STRINGS as the NULL-terminated char* array execve and posix_spawn take; valid while STRINGS lives.
std::vector<char*> c_strings(const std::vector<std::string>& strings);

// Whether PID was spawned through ChildProcess and not reaped yet (its owner
// will reap it; anything else among our children was adopted).
bool is_owned_child(pid_t pid);

// Exit code for a wait status: the exit status, or 128+signal when killed.
int exit_code_of(int wait_status);
std::string describe_wait_status(int wait_status);

// Signals a process group recorded earlier (possibly by another daemon
// lifetime) if its leader still has the start time we recorded; returns
// whether a group was found.
bool signal_group_if_same(pid_t pgid, long long start_time, int sig);
// The start time of PID from /proc (clock ticks since boot), or -1.
long long process_start_time(pid_t pid);
// Whether any process is a member of process group PGID.
bool process_group_alive(pid_t pgid);

}  // namespace slipway::util
