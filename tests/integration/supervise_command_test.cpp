// `slipway supervise` started the way the daemon starts it
// (exec::launch_supervisor on the real binary): it runs in its own session,
// is not an owned child, outlives the process that launched it, and stops on
// request. Every process started is killed by PID in TearDown.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "exec/instance_control.h"
#include "exec/instance_spec.h"
#include "util/child_process.h"
#include "util/error.h"

namespace slipway::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 10s) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

class SuperviseCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-supervise-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    log_ = dir_ + "/web.log";
  }
  void TearDown() override {
    auto state = exec::read_state(dir_);
    if (state) {  // checked against the recorded start times: a reused pid is never hit
      exec::SupervisorHandle supervisor{state->supervisor_pid, state->supervisor_start_time};
      if (exec::supervisor_alive(supervisor)) ::kill(supervisor.pid, SIGKILL);
      if (state->pid > 0) util::signal_group_if_same(state->pid, state->pid_start_time, SIGKILL);
    }
    for (pid_t pid : launched_) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, WNOHANG);  // ours only when launched from the test process itself
    }
    fs::remove_all(dir_);
  }

  void write_spec(const std::string& script) {
    const char* path = std::getenv("PATH");
    exec::InstanceSpec spec;
    spec.name = "web.1";
    spec.argv = {"/bin/sh", "-c", script};
    spec.env = {std::string("PATH=") + (path ? path : "/usr/bin:/bin"), "GREETING=hello from the app"};
    spec.cwd = dir_;
    spec.log_path = log_;
    spec.stop_grace = 2s;
    exec::write_spec(dir_, spec);
  }

  std::string dir_, log_;
  std::vector<pid_t> launched_;
};

TEST_F(SuperviseCommandTest, LaunchedSupervisorRunsTheAppUnownedInItsOwnSessionAndStops) {
  write_spec("echo \"$GREETING\"; exec sleep 60");
  exec::SupervisorHandle handle = exec::launch_supervisor(SLIPWAY_BINARY, dir_);
  launched_.push_back(handle.pid);
  EXPECT_TRUE(exec::supervisor_alive(handle));
  EXPECT_FALSE(util::is_owned_child(handle.pid));
  EXPECT_EQ(::getsid(handle.pid), handle.pid);
  EXPECT_EQ(handle.start_time, util::process_start_time(handle.pid));

  ASSERT_TRUE(eventually([&] {
    return slurp(log_).find("web.1 | hello from the app\n") != std::string::npos;
  })) << slurp(log_);
  auto state = exec::read_state(dir_);
  ASSERT_TRUE(state) << state.error();
  EXPECT_EQ(state->status, exec::InstanceStatus::running);
  EXPECT_EQ(state->supervisor_pid, handle.pid);
  pid_t app = state->pid;
  ASSERT_GT(app, 0);
  EXPECT_EQ(::getpgid(app), app);

  exec::request_stop(handle);
  EXPECT_TRUE(exec::wait_stopped(handle, 5s));
  EXPECT_EQ(exec::read_state(dir_)->status, exec::InstanceStatus::stopped);
  EXPECT_TRUE(eventually([&] { return !util::process_group_alive(app); }, 5s));
  EXPECT_FALSE(fs::exists(exec::supervisor_pid_path(dir_)));
}

TEST_F(SuperviseCommandTest, TheSupervisorOutlivesTheProcessThatLaunchedIt) {
  write_spec("echo ready; exec sleep 60");
  // A stand-in daemon launches the supervisor and exits at once.
  pid_t launcher = ::fork();
  if (launcher == 0) {
    try {
      exec::launch_supervisor(SLIPWAY_BINARY, dir_);
      ::_exit(0);
    } catch (...) {
      ::_exit(1);
    }
  }
  int status = 0;
  ASSERT_TRUE(eventually([&] { return ::waitpid(launcher, &status, WNOHANG) == launcher; }));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  exec::SupervisorHandle handle = exec::recorded_supervisor(dir_);
  ASSERT_TRUE(exec::supervisor_alive(handle));
  ASSERT_TRUE(eventually([&] { return slurp(log_).find("web.1 | ready\n") != std::string::npos; }));
  EXPECT_FALSE(exec::kill_orphaned_app(dir_));  // supervised, not orphaned
  exec::request_stop(handle);
  EXPECT_TRUE(exec::wait_stopped(handle, 5s));
  EXPECT_EQ(exec::read_state(dir_)->status, exec::InstanceStatus::stopped);
}

TEST_F(SuperviseCommandTest, ASupervisorThatCannotStartIsReported) {
  try {
    exec::launch_supervisor(SLIPWAY_BINARY, dir_);  // no spec.json
    FAIL() << "launch_supervisor should have thrown";
  } catch (const util::Error& e) {
    EXPECT_NE(std::string(e.what()).find("exited at start"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("spec.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace slipway::testing
