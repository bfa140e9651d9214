#include "exec/orphan_sweeper.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <spdlog/spdlog.h>

#include "util/child_process.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::exec {

namespace {

constexpr std::chrono::seconds kTick{2};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// Our direct children, from every thread's /proc children list.
std::vector<pid_t> direct_children() {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::istringstream list(read_all(task.path().string() + "/children"));
    pid_t pid = 0;
    while (list >> pid) pids.push_back(pid);
  }
  return pids;
}

// The value of NAME in PID's initial environment, or "".
std::string environment_value(pid_t pid, std::string_view name) {
  std::string environ = read_all("/proc/" + std::to_string(pid) + "/environ");
  std::string prefix = std::string(name) + "=";
  for (const auto& entry : util::split(environ, '\0')) {
    if (entry.rfind(prefix, 0) == 0) return entry.substr(prefix.size());
  }
  return {};
}

bool is_zombie(pid_t pid) {
  std::string stat = read_all("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

}  // namespace

void OrphanSweeper::become_subreaper() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) util::throw_errno("prctl(PR_SET_CHILD_SUBREAPER)");
}

OrphanSweeper::OrphanSweeper(boost::asio::io_context& io, StepIsRunning step_is_running)
    : child_signals_(io, SIGCHLD), timer_(io), step_is_running_(std::move(step_is_running)) {}

void OrphanSweeper::start() {
  wait_for_signal();
  schedule_tick();
}

void OrphanSweeper::stop() {
  stopped_ = true;
  boost::system::error_code ec;
  child_signals_.cancel(ec);
  timer_.cancel();
}

void OrphanSweeper::wait_for_signal() {
  child_signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec || stopped_) return;
    sweep();
    wait_for_signal();
  });
}

void OrphanSweeper::schedule_tick() {
  // Also on a timer: an orphan is adopted when its parent dies, which may be
  // before its step is recorded as over.
  timer_.expires_after(kTick);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    sweep();
    schedule_tick();
  });
}

int OrphanSweeper::sweep() {
  int killed = 0;
  for (pid_t pid : direct_children()) {
    if (util::is_owned_child(pid)) continue;  // its owner waits for it
    if (is_zombie(pid)) {
      ::waitpid(pid, nullptr, WNOHANG);
      continue;
    }
    std::string run = environment_value(pid, "SLIPWAY_RUN");
    std::string step = environment_value(pid, "SLIPWAY_STEP");
    unsigned long long run_id = 0;
    if (!util::parse_uint(run, run_id) || step.empty()) continue;  // not from a step: leave it be
    if (step_is_running_(static_cast<std::int64_t>(run_id), step)) continue;
    spdlog::info("run {}: killing pid {}, left behind by step {}", run_id, pid, step);
    if (::getpgid(pid) == pid) ::kill(-pid, SIGKILL);  // it leads a group of its own: end that too
    ::kill(pid, SIGKILL);
    ++killed;
  }
  return killed;
}

}  // namespace slipway::exec
