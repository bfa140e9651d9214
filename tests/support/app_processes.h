// What a daemon leaves running on purpose (its nginx and the supervisors of
// deployed apps keep serving after it stops): found through the pid files
// under its home and stopped by PID at the end of a test or benchmark.
#pragma once

#include <string>
#include <vector>

namespace slipway::testing {

// A free TCP port on 127.0.0.1 (bound and released).
int free_port();
// The pids of the live app supervisors under HOME.
std::vector<int> supervisor_pids(const std::string& home);
// Stops every supervisor (and its app) and the nginx master under HOME:
// SIGTERM / SIGQUIT, then SIGKILL after a bounded wait.
void stop_app_processes(const std::string& home);

}  // namespace slipway::testing
