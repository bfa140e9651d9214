#include "exec/instance_control.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "exec/instance_spec.h"
#include "util/child_process.h"
#include "util/error.h"
#include "util/fd.h"

extern char** environ;

namespace slipway::exec {

namespace {

using namespace std::chrono_literals;

constexpr auto kLaunchTimeout = 5s;
constexpr auto kPollInterval = 10ms;

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string last_line(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// The state letter of PID in /proc ('R', 'S', 'Z'...), or 0 when there is no such process.
char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return 0;
  return stat[close + 2];
}

// Whether a process of group PGID still runs: a group of zombies waiting for
// whoever adopted them has nothing left to kill.
bool group_has_live_member(pid_t pgid) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    char state = 0;
    long ppid = 0, group = 0;
    if (fields >> state >> ppid >> group && group == pgid && state != 'Z' && state != 'X') return true;
  }
  return false;
}

// The daemon's environment, minus what would make the orphan sweeper take the
// supervisor for something a pipeline step left behind.
std::vector<std::string> supervisor_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    if (text.starts_with("SLIPWAY_RUN=") || text.starts_with("SLIPWAY_STEP=")) continue;
    env.emplace_back(text);
  }
  return env;
}

// Whether the supervisor PID has written its pid file and its first state.
bool has_started(const std::string& instance_dir, pid_t pid) {
  if (first_line(supervisor_pid_path(instance_dir)) != std::to_string(pid)) return false;
  auto state = read_state(instance_dir);
  return state && state->supervisor_pid == pid;
}

}  // namespace

SupervisorHandle launch_supervisor(const std::string& self_binary, const std::string& instance_dir) {
  util::Fd errors = util::open_file(instance_dir + "/supervisor.log", O_WRONLY | O_CREAT | O_APPEND, 0640);
  util::SpawnOptions options;
  options.argv = {self_binary, "supervise", instance_dir};
  options.env = supervisor_environment();
  options.cwd = instance_dir;
  options.stdout_fd = errors.get();
  // No terminal, no group shared with the daemon: a signal to either misses the other.
  options.new_session = true;
  util::ChildProcess child = util::ChildProcess::spawn(options);
  SupervisorHandle handle{child.pid(), util::process_start_time(child.pid())};
  child.release();

  auto deadline = std::chrono::steady_clock::now() + kLaunchTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (has_started(instance_dir, handle.pid)) return handle;
    if (!supervisor_alive(handle)) {
      throw util::Error("supervisor of " + instance_dir +
                        " exited at start: " + last_line(instance_dir + "/supervisor.log"));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  // It has not written its first state, so it has started no app yet.
  if (supervisor_alive(handle)) ::kill(handle.pid, SIGKILL);
  throw util::Error("supervisor of " + instance_dir + " did not start within 5s");
}

SupervisorHandle recorded_supervisor(const std::string& instance_dir) {
  auto state = read_state(instance_dir);
  if (!state) return {};
  return {state->supervisor_pid, state->supervisor_start_time};
}

bool supervisor_alive(const SupervisorHandle& handle) {
  if (handle.pid <= 0) return false;
  char state = process_state(handle.pid);
  // An unreaped zombie has stopped all the same.
  if (state == 0 || state == 'Z' || state == 'X') return false;
  return util::process_start_time(handle.pid) == handle.start_time;
}

void request_stop(const SupervisorHandle& handle) {
  if (supervisor_alive(handle)) ::kill(handle.pid, SIGTERM);
}

bool wait_stopped(const SupervisorHandle& handle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (supervisor_alive(handle)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

bool kill_orphaned_app(const std::string& instance_dir) {
  auto state = read_state(instance_dir);
  if (!state || state->pid <= 0) return false;
  if (supervisor_alive({state->supervisor_pid, state->supervisor_start_time})) return false;
  if (!group_has_live_member(state->pid)) return false;
  return util::signal_group_if_same(state->pid, state->pid_start_time, SIGKILL);
}

std::vector<std::string> stop_instances(const std::vector<std::string>& instance_dirs,
                                        std::chrono::milliseconds patience) {
  for (const auto& dir : instance_dirs) request_stop(recorded_supervisor(dir));
  std::vector<std::string> killed;
  for (const auto& dir : instance_dirs) {
    const auto handle = recorded_supervisor(dir);
    if (!wait_stopped(handle, patience) && supervisor_alive(handle)) {
      ::kill(handle.pid, SIGKILL);
      wait_stopped(handle, std::chrono::seconds(2));
      killed.push_back(dir);
    }
    kill_orphaned_app(dir);
  }
  return killed;
}

}  // namespace slipway::exec
