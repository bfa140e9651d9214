// Finding nginx's processes through /proc: the master started from a given
// prefix (named by its pid file, confirmed by its process title), its active
// workers, and whether a process has ended. Nothing here signals anything.
#pragma once

#include <sys/types.h>

#include <optional>
#include <set>
#include <string>

namespace slipway::proxy {

// The process title nginx gives its master contains the command line it was
// started with: "nginx: master process /usr/sbin/nginx -p PREFIX/ ...".
bool is_master_of(pid_t pid, const std::string& prefix);

// The pid in PID_FILE when it names the live master of PREFIX.
std::optional<pid_t> find_master(const std::string& pid_file, const std::string& prefix);

// Children of MASTER titled "nginx: worker process" (not the old ones that
// are "shutting down" after a reload).
std::set<pid_t> active_workers(pid_t master);

// Whether PID has exited (or is a zombie, or is now another process than the
// one that started at START_TIME).
bool process_ended(pid_t pid, long long start_time);

}  // namespace slipway::proxy
