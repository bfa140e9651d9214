// Tests of run_supervisor with real processes: the supervisor runs in a
// forked child of the test (as `slipway supervise` would run it), its app is
// a shell script. Covers the log, restarts with backoff, `crashed`, stopping
// (TERM, then KILL after the grace period) and a killed supervisor's app.
// Every wait is bounded; every process started is killed in TearDown.
#include "exec/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "exec/instance_control.h"
#include "exec/instance_spec.h"
#include "util/child_process.h"

namespace slipway::exec {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// Whether a process of group PGID runs (zombies do not count).
bool group_running(pid_t pgid) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = slurp(entry.path() / "stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    char state = 0;
    long ppid = 0, group = 0;
    if (fields >> state >> ppid >> group && group == pgid && state != 'Z') return true;
  }
  return false;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 10s) {
  auto deadline = Clock::now() + bound;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-supervisor-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    log_ = dir_ + "/web.log";
  }

  void TearDown() override {
    for (pid_t pid : supervisors_) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    for (auto [pgid, start_time] : app_groups_) util::signal_group_if_same(pgid, start_time, SIGKILL);
    for (auto [pgid, start_time] : app_groups_)
      EXPECT_TRUE(eventually([&] { return !group_running(pgid); })) << pgid;
    fs::remove_all(dir_);
  }

  InstanceSpec shell(const std::string& script) const {
    const char* path = std::getenv("PATH");
    InstanceSpec spec;
    spec.name = "web.1";
    spec.argv = {"/bin/sh", "-c", script};
    spec.env = {std::string("PATH=") + (path ? path : "/usr/bin:/bin"), "WORK=" + dir_};
    spec.cwd = dir_;
    spec.log_path = log_;
    spec.stop_grace = 2s;
    spec.backoff_initial = 50ms;
    spec.backoff_max = 200ms;
    return spec;
  }

  // Starts a supervisor of SPEC in a child process of the test.
  pid_t supervise(const InstanceSpec& spec) {
    write_spec(dir_, spec);
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(run_supervisor(dir_));
    supervisors_.insert(pid);
    return pid;
  }

  // Waits for a supervisor to exit; returns its exit status, or -1.
  int wait_exit(pid_t pid, std::chrono::milliseconds bound = 10s) {
    int status = 0;
    bool exited = eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, bound);
    if (!exited) return -1;
    supervisors_.erase(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  InstanceState state() {
    auto read = read_state(dir_);
    if (!read) return {};
    if (read->pid > 0) app_groups_[read->pid] = read->pid_start_time;
    return *read;
  }

  bool wait_status(InstanceStatus status, std::chrono::milliseconds bound = 10s) {
    return eventually([&] { return state().status == status; }, bound);
  }
  bool wait_log(const std::string& text) {
    return eventually([&] { return slurp(log_).find(text) != std::string::npos; });
  }

  std::string dir_, log_;
  std::set<pid_t> supervisors_;
  std::map<pid_t, long long> app_groups_;  // app group -> its leader's start time
};

TEST_F(SupervisorTest, LogsOutputLinesWithPrefixAndMaskedSecrets) {
  auto spec = shell(
      "echo 'hello world'; printf 'token se'; sleep 0.1; printf 'cret end\\n'; echo 'to stderr' >&2;"
      "printf 'no newline'; exit 2");
  spec.masked = {"secret"};
  spec.max_restarts = 1;
  pid_t supervisor = supervise(spec);
  ASSERT_TRUE(wait_status(InstanceStatus::crashed));

  std::string log = slurp(log_);
  EXPECT_NE(log.find("Z web.1 | hello world\n"), std::string::npos) << log;
  EXPECT_NE(log.find("Z web.1 | token **** end\n"), std::string::npos) << log;
  EXPECT_NE(log.find("Z web.1 | to stderr\n"), std::string::npos) << log;
  EXPECT_NE(log.find("Z web.1 | no newline\n"), std::string::npos) << log;
  EXPECT_NE(log.find("Z web.1 | [slipway] started pid "), std::string::npos) << log;
  EXPECT_NE(log.find("[slipway] exit status 2; crashed: 1 quick failure in a row, not restarting"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
  EXPECT_EQ(log.rfind("20", 0), 0u);  // every line starts with its timestamp

  // Crashed, it stays (idle) until told to stop.
  EXPECT_FALSE(wait_exit(supervisor, 200ms) >= 0);
  ::kill(supervisor, SIGTERM);
  EXPECT_EQ(wait_exit(supervisor), 0);
  EXPECT_EQ(state().status, InstanceStatus::stopped);
  EXPECT_EQ(state().last_exit, "exit status 2");
  EXPECT_FALSE(fs::exists(supervisor_pid_path(dir_)));
}

TEST_F(SupervisorTest, RestartsACrashingAppWithGrowingBackoffThenGivesUp) {
  auto spec = shell("echo run; exit 3");
  spec.max_restarts = 5;
  auto started = Clock::now();
  supervise(spec);
  ASSERT_TRUE(wait_status(InstanceStatus::crashed));
  auto elapsed = Clock::now() - started;

  InstanceState crashed = state();
  EXPECT_EQ(crashed.restarts, 4);
  EXPECT_EQ(crashed.last_exit, "exit status 3");
  EXPECT_EQ(crashed.pid, 0);
  EXPECT_GE(elapsed, 50ms + 100ms + 200ms + 200ms);  // the delays, capped at backoff_max

  std::string log = slurp(log_);
  std::size_t at = 0;
  for (const char* delay : {"restarting in 50ms", "restarting in 100ms", "restarting in 200ms",
                            "restarting in 200ms", "crashed: 5 quick failures in a row"}) {
    at = log.find(delay, at);
    ASSERT_NE(at, std::string::npos) << delay << "\n" << log;
  }
  std::size_t runs = 0;
  for (auto pos = log.find("| run\n"); pos != std::string::npos; pos = log.find("| run\n", pos + 1)) ++runs;
  EXPECT_EQ(runs, 5u);
}

TEST_F(SupervisorTest, AStableRunClearsTheQuickFailureCount) {
  // The first run lasts past stable_after, the later ones fail at once.
  auto spec = shell("if [ -e ran ]; then exit 1; fi; touch ran; sleep 0.4; exit 1");
  spec.stable_after = 200ms;
  spec.max_restarts = 2;
  supervise(spec);
  ASSERT_TRUE(wait_status(InstanceStatus::crashed));
  EXPECT_EQ(state().restarts, 2);  // without the reset it would have given up after one restart
}

TEST_F(SupervisorTest, AnAppThatCannotStartIsACrash) {
  auto spec = shell("");
  spec.argv = {dir_ + "/no-such-program"};
  spec.max_restarts = 2;
  supervise(spec);
  ASSERT_TRUE(wait_status(InstanceStatus::crashed));
  EXPECT_NE(state().last_exit.find("no-such-program"), std::string::npos) << state().last_exit;
  EXPECT_NE(slurp(log_).find("[slipway] cannot start: "), std::string::npos);
}

TEST_F(SupervisorTest, SigtermStopsTheAppsWholeGroup) {
  pid_t supervisor = supervise(shell("trap 'echo got TERM; exit 0' TERM; sleep 60 & echo ready; wait"));
  ASSERT_TRUE(wait_log("| ready\n"));
  InstanceState running = state();
  ASSERT_EQ(running.status, InstanceStatus::running);
  ASSERT_GT(running.pid, 0);
  EXPECT_EQ(running.pid_start_time, util::process_start_time(running.pid));
  EXPECT_EQ(running.supervisor_pid, supervisor);
  EXPECT_EQ(slurp(supervisor_pid_path(dir_)), std::to_string(supervisor) + "\n");

  auto asked = Clock::now();
  ::kill(supervisor, SIGTERM);
  EXPECT_EQ(wait_exit(supervisor), 0);
  EXPECT_LT(Clock::now() - asked, 1500ms);  // well within stop_grace: TERM was enough
  EXPECT_NE(slurp(log_).find("| got TERM\n"), std::string::npos) << slurp(log_);
  EXPECT_TRUE(eventually([&] { return !group_running(running.pid); }));
  InstanceState stopped = state();
  EXPECT_EQ(stopped.status, InstanceStatus::stopped);
  EXPECT_EQ(stopped.pid, 0);
  EXPECT_EQ(stopped.restarts, 0);
  EXPECT_FALSE(fs::exists(supervisor_pid_path(dir_)));
}

TEST_F(SupervisorTest, AnAppIgnoringSigtermIsKilledAfterTheGracePeriod) {
  auto spec = shell("trap '' TERM; echo ready; while :; do sleep 0.05; done");
  spec.stop_grace = 300ms;
  pid_t supervisor = supervise(spec);
  ASSERT_TRUE(wait_log("| ready\n"));
  pid_t app = state().pid;
  ASSERT_GT(app, 0);

  auto asked = Clock::now();
  ::kill(supervisor, SIGTERM);
  EXPECT_EQ(wait_exit(supervisor), 0);
  EXPECT_GE(Clock::now() - asked, 300ms);
  EXPECT_TRUE(eventually([&] { return !group_running(app); }));
  EXPECT_EQ(state().status, InstanceStatus::stopped);
  EXPECT_EQ(state().last_exit, "killed by signal Killed");
  EXPECT_NE(slurp(log_).find("[slipway] still running 300ms after SIGTERM, sending SIGKILL"),
            std::string::npos);
}

TEST_F(SupervisorTest, SigtermDuringBackoffStopsAtOnce) {
  auto spec = shell("exit 1");
  spec.backoff_initial = 10s;
  spec.backoff_max = 10s;
  pid_t supervisor = supervise(spec);
  ASSERT_TRUE(wait_status(InstanceStatus::backoff));
  ::kill(supervisor, SIGTERM);
  EXPECT_EQ(wait_exit(supervisor, 2s), 0);
  EXPECT_EQ(state().status, InstanceStatus::stopped);
}

TEST_F(SupervisorTest, AKilledSupervisorsAppIsKilledByKillOrphanedApp) {
  pid_t supervisor = supervise(shell("sleep 60 & echo ready; wait"));
  ASSERT_TRUE(wait_log("| ready\n"));
  pid_t app = state().pid;
  ASSERT_GT(app, 0);
  EXPECT_FALSE(kill_orphaned_app(dir_));  // its supervisor lives: not an orphan
  EXPECT_TRUE(supervisor_alive(recorded_supervisor(dir_)));

  ::kill(supervisor, SIGKILL);
  EXPECT_EQ(wait_exit(supervisor), 128 + SIGKILL);
  EXPECT_FALSE(supervisor_alive(recorded_supervisor(dir_)));
  ASSERT_TRUE(group_running(app));  // nothing killed it with its supervisor
  EXPECT_TRUE(kill_orphaned_app(dir_));
  EXPECT_TRUE(eventually([&] { return !group_running(app); }));
  EXPECT_FALSE(kill_orphaned_app(dir_));
}

TEST_F(SupervisorTest, ANewSupervisorEndsTheAppOfAKilledOne) {
  pid_t first = supervise(shell("echo ready; exec sleep 60"));
  ASSERT_TRUE(wait_log("| ready\n"));
  pid_t old_app = state().pid;
  ::kill(first, SIGKILL);
  wait_exit(first);

  supervise(shell("echo ready again; exec sleep 60"));
  ASSERT_TRUE(wait_log("| ready again\n"));
  EXPECT_TRUE(eventually([&] { return !group_running(old_app); }));
  EXPECT_NE(state().pid, old_app);
  EXPECT_NE(slurp(log_).find("[slipway] killed the app left running by an earlier supervisor"),
            std::string::npos);
}

TEST_F(SupervisorTest, ASecondSupervisorOfTheSameInstanceRefuses) {
  pid_t first = supervise(shell("echo ready; exec sleep 60"));
  ASSERT_TRUE(wait_log("| ready\n"));
  pid_t app = state().pid;
  pid_t second = supervise(shell("echo second; exec sleep 60"));
  EXPECT_EQ(wait_exit(second), 1);
  EXPECT_EQ(state().pid, app);
  EXPECT_EQ(state().supervisor_pid, first);
  EXPECT_EQ(slurp(log_).find("second"), std::string::npos);
}

}  // namespace
}  // namespace slipway::exec
