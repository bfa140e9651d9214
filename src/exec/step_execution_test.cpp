// Tests of StepExecution with real processes on a real event loop: output
// capture, exit codes, timeout and cancel of the whole process group, and the
// drain limit for output pipes held open by escaped processes.
#include "exec/step_execution.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "util/error.h"

namespace slipway::exec {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// Members of process group PGID that are not zombies (a zombie whose parent is
// init may linger a moment; it runs nothing).
std::vector<pid_t> live_members(pid_t pgid) {
  std::vector<pid_t> members;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 2));
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (fields >> state >> ppid >> pgrp && pgrp == pgid && state != 'Z') members.push_back(std::stoi(name));
  }
  return members;
}

bool group_ends_within_bound(pid_t pgid) {
  for (int i = 0; i < 1000; ++i) {
    if (live_members(pgid).empty()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

class StepExecutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-step-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    log_ = dir_ + "/1.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  StepOptions shell(const std::string& script) const {
    const char* path = std::getenv("PATH");
    StepOptions options;
    options.argv = {"/bin/sh", "-c", script};
    options.env = {std::string("PATH=") + (path ? path : "/usr/bin:/bin"), "WORK=" + dir_};
    options.cwd = dir_;
    options.log_path = log_;
    return options;
  }

  struct Result {
    std::optional<StepOutcome> outcome;
    std::vector<std::uint64_t> sizes;  // what on_output was given
    std::uint64_t initial_log_size = 0;
    pid_t pgid = -1;
  };

  // Runs the step on its own event loop for at most 30 s. ON_OUTPUT, if given, may act on the step.
  Result run(const StepOptions& options, std::function<void(StepExecution&)> on_output = {}) {
    boost::asio::io_context io;
    Result result;
    std::shared_ptr<StepExecution> step;
    step = StepExecution::start(
        io, options,
        [&](std::uint64_t size) {
          result.sizes.push_back(size);
          if (on_output) on_output(*step);
        },
        [&](const StepOutcome& outcome) { result.outcome = outcome; });
    result.initial_log_size = step->log_size();
    result.pgid = step->pgid();
    EXPECT_GT(step->start_time(), 0);
    io.run_for(30s);
    EXPECT_TRUE(result.outcome) << "the step did not finish within 30 s";
    return result;
  }

  std::string dir_;
  std::string log_;
};

TEST_F(StepExecutionTest, CapturesStdoutAndStderrInOrder) {
  auto result = run(shell("echo one; echo two >&2; echo three"));
  ASSERT_TRUE(result.outcome);
  EXPECT_TRUE(result.outcome->succeeded());
  EXPECT_EQ(result.outcome->exit_code, 0);
  EXPECT_EQ(result.outcome->description, "exit status 0");
  EXPECT_EQ(slurp(log_), "one\ntwo\nthree\n");
  ASSERT_FALSE(result.sizes.empty());
  EXPECT_EQ(result.sizes.back(), 14u);
}

TEST_F(StepExecutionTest, RunsInTheGivenDirectoryWithTheGivenEnvironment) {
  auto result = run(shell("pwd -P; echo \"$WORK\"; echo \"${HOME-unset}\""));
  ASSERT_TRUE(result.outcome);
  std::string real = fs::canonical(dir_).string();
  EXPECT_EQ(slurp(log_), real + "\n" + dir_ + "\nunset\n");
}

TEST_F(StepExecutionTest, ReportsTheExitCode) {
  auto result = run(shell("echo failing; exit 7"));
  ASSERT_TRUE(result.outcome);
  EXPECT_FALSE(result.outcome->succeeded());
  EXPECT_EQ(result.outcome->exit_code, 7);
  EXPECT_EQ(result.outcome->description, "exit status 7");
  EXPECT_FALSE(result.outcome->timed_out);
  EXPECT_FALSE(result.outcome->cancelled);
}

TEST_F(StepExecutionTest, ReportsDeathBySignal) {
  auto result = run(shell("kill -KILL $$"));
  ASSERT_TRUE(result.outcome);
  EXPECT_EQ(result.outcome->exit_code, 128 + SIGKILL);
  EXPECT_EQ(result.outcome->description, "killed by signal Killed");
}

TEST_F(StepExecutionTest, CapturesLargeOutputWhole) {
  auto result = run(shell("head -c 3000000 /dev/zero | tr '\\000' x"));
  ASSERT_TRUE(result.outcome);
  EXPECT_EQ(result.outcome->exit_code, 0);
  std::string log = slurp(log_);
  EXPECT_EQ(log.size(), 3000000u);
  EXPECT_EQ(log.find_first_not_of('x'), std::string::npos);
  EXPECT_EQ(result.sizes.back(), 3000000u);
}

TEST_F(StepExecutionTest, MasksSecretsEvenWhenSplitAcrossWrites) {
  auto options = shell("echo \"key=$KEY\"; printf 'half '; printf 'hunter'; sleep 0.1; printf '2 done\\n'; printf hunter2");
  options.env.push_back("KEY=hunter2");
  options.masked = {"hunter2"};
  auto result = run(options);
  ASSERT_TRUE(result.outcome);
  EXPECT_EQ(result.outcome->exit_code, 0);
  const std::string expected = "key=****\nhalf **** done\n****";
  EXPECT_EQ(slurp(log_), expected);
  EXPECT_EQ(result.sizes.back(), expected.size());  // the size reported is the file's, after masking
}

TEST_F(StepExecutionTest, ReportsGrowingLogSizes) {
  auto result = run(shell("for i in 1 2 3; do echo $i; sleep 0.05; done"));
  ASSERT_TRUE(result.outcome);
  EXPECT_EQ(slurp(log_), "1\n2\n3\n");
  ASSERT_FALSE(result.sizes.empty());
  for (std::size_t i = 1; i < result.sizes.size(); ++i) EXPECT_LT(result.sizes[i - 1], result.sizes[i]);
  EXPECT_EQ(result.sizes.back(), 6u);
}

TEST_F(StepExecutionTest, AppendsToAnExistingLog) {
  std::ofstream(log_) << "previous\n";
  auto result = run(shell("echo new"));
  ASSERT_TRUE(result.outcome);
  EXPECT_EQ(result.initial_log_size, 9u);
  EXPECT_EQ(slurp(log_), "previous\nnew\n");
  ASSERT_FALSE(result.sizes.empty());
  EXPECT_GT(result.sizes.front(), 9u);
  EXPECT_EQ(result.sizes.back(), 13u);
}

TEST_F(StepExecutionTest, LeadsItsOwnProcessGroup) {
  pid_t seen_group = 0;
  auto result =
      run(shell("echo hi; sleep 0.1"), [&](StepExecution& step) { seen_group = ::getpgid(step.pgid()); });
  ASSERT_TRUE(result.outcome);
  EXPECT_EQ(seen_group, result.pgid);
  EXPECT_NE(result.pgid, ::getpgrp());
}

TEST_F(StepExecutionTest, TimeoutEndsTheWholeGroup) {
  StepOptions options = shell("sleep 30 & echo $!; sleep 30");
  options.timeout = 1s;  // long enough for the background sleep to start even on a loaded machine
  auto result = run(options);
  ASSERT_TRUE(result.outcome);
  EXPECT_TRUE(result.outcome->timed_out);
  EXPECT_FALSE(result.outcome->cancelled);
  EXPECT_FALSE(result.outcome->succeeded());
  EXPECT_EQ(result.outcome->exit_code, 128 + SIGTERM);
  EXPECT_EQ(result.outcome->description, "timed out after 1s");
  pid_t background = static_cast<pid_t>(std::atol(slurp(log_).c_str()));
  EXPECT_GT(background, 0) << "the background sleep never started";
  // The background sleep was a member of the group, so this covers it too.
  EXPECT_TRUE(group_ends_within_bound(result.pgid));
}

TEST_F(StepExecutionTest, CancelEndsAStepWithSigterm) {
  auto result = run(shell("echo ready; sleep 30"), [](StepExecution& step) { step.cancel(); });
  ASSERT_TRUE(result.outcome);
  EXPECT_TRUE(result.outcome->cancelled);
  EXPECT_FALSE(result.outcome->timed_out);
  EXPECT_EQ(result.outcome->exit_code, 128 + SIGTERM);
  EXPECT_EQ(result.outcome->description, "cancelled");
  EXPECT_TRUE(group_ends_within_bound(result.pgid));
}

TEST_F(StepExecutionTest, CancelSendsSigkillAfterTheGraceWhenTermIsIgnored) {
  // "ready" is printed after the trap is set, so the cancel always meets an ignored TERM.
  StepOptions options = shell("trap '' TERM; sleep 30 & echo ready; sleep 30");
  options.kill_grace = 100ms;
  auto result = run(options, [](StepExecution& step) { step.cancel(); });
  ASSERT_TRUE(result.outcome);
  EXPECT_TRUE(result.outcome->cancelled);
  EXPECT_EQ(result.outcome->exit_code, 128 + SIGKILL);
  EXPECT_TRUE(group_ends_within_bound(result.pgid));
}

// A process that leaves the group (setsid) keeps the output pipe open after the
// leader exits; the step must still finish, after the drain limit.
TEST_F(StepExecutionTest, AnEscapedProcessHoldingThePipeDoesNotHangTheStep) {
  std::string pid_file = dir_ + "/escaped.pid";
  StepOptions options = shell(
      "setsid sh -c 'echo $$ > \"$1\"; exec sleep 20' sh \"$PID_FILE\" &"
      " i=0; while [ ! -s \"$PID_FILE\" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done;"
      " echo leader done");
  options.env.push_back("PID_FILE=" + pid_file);
  auto result = run(options);
  pid_t escaped = static_cast<pid_t>(std::atol(slurp(pid_file).c_str()));
  if (escaped > 0 && ::getsid(escaped) == escaped) ::kill(escaped, SIGKILL);  // ours: it leads its session
  ASSERT_TRUE(result.outcome);
  EXPECT_EQ(result.outcome->exit_code, 0);
  EXPECT_EQ(slurp(log_), "leader done\n");
  EXPECT_GT(escaped, 0);
}

TEST_F(StepExecutionTest, StartThrowsWhenTheStepCannotStart) {
  boost::asio::io_context io;
  StepOptions missing_program = shell("true");
  missing_program.argv = {"/nonexistent/slipway-no-such-program"};
  EXPECT_THROW(StepExecution::start(io, missing_program, {}, {}), util::Error);
  StepOptions missing_log_dir = shell("true");
  missing_log_dir.log_path = dir_ + "/no/such/dir/1.log";
  EXPECT_THROW(StepExecution::start(io, missing_log_dir, {}, {}), util::Error);
}

}  // namespace
}  // namespace slipway::exec
