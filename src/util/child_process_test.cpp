// Tests of ChildProcess with real processes: argv is never a shell string, the
// child leads its own group, and no child outlives its owner unreaped.
#include "util/child_process.h"

#include <fcntl.h>

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

#include "util/error.h"

namespace slipway::util {
namespace {

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/slipway-child-test-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw_errno("mkdtemp");
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> basic_env() {
  const char* path = std::getenv("PATH");
  return {std::string("PATH=") + (path ? path : "/usr/bin:/bin")};
}

// Reads FD until EOF or until a line is complete (LINE_ONLY), giving up after 10 s.
std::optional<std::string> read_from(int fd, bool line_only = false) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (true) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    char c[4096];
    ssize_t n = ::read(fd, c, line_only ? 1 : sizeof c);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(c, static_cast<std::size_t>(n));
    if (line_only && out.back() == '\n') return out;
  }
}

struct Captured {
  int status = -1;
  std::string output;
};

// Runs OPTIONS with stdout (and so stderr) on a pipe and returns what it printed.
Captured run_captured(SpawnOptions options) {
  Pipe pipe = make_pipe();
  options.stdout_fd = pipe.write.get();
  ChildProcess child = ChildProcess::spawn(options);
  pipe.write.reset();
  auto output = read_from(pipe.read.get());
  if (!output) {
    ADD_FAILURE() << "no EOF from " << options.argv[0];
    child.signal_group(SIGKILL);
  }
  Captured captured;
  captured.status = child.wait();
  captured.output = output.value_or("");
  return captured;
}

// The state letter from /proc/PID/stat ('R', 'S', 'Z', ...), or 0 when there is no such process.
char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() ? 0 : line[close + 2];
}

// Waits (at most 10 s) until PID is gone or a zombie that its new parent has yet to reap.
bool ends_within_bound(pid_t pid) {
  for (int i = 0; i < 1000; ++i) {
    char state = process_state(pid);
    if (state == 0 || state == 'Z') return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

SpawnOptions sleeper() {
  SpawnOptions options;
  options.argv = {"sleep", "30"};
  options.env = basic_env();
  return options;
}

TEST(ChildProcess, PassesArgvElementsLiterally) {
  SpawnOptions options;
  const std::string hostile = "$(echo hi); `id` | rm -rf / && echo * > x; 'q' \"d\" \\n";
  options.argv = {"printf", "%s|%s\n", hostile, ""};
  options.env = basic_env();
  auto captured = run_captured(options);
  EXPECT_EQ(exit_code_of(captured.status), 0);
  EXPECT_EQ(captured.output, hostile + "|\n");
}

TEST(ChildProcess, InheritsNoDescriptorBeyondStdio) {
  // A descriptor opened without close-on-exec, as Asio opens its listening socket.
  int leaky = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 3);
  SpawnOptions options;
  options.argv = {"sleep", "30"};
  options.env = basic_env();
  auto child = ChildProcess::spawn(options);
  ::close(leaky);
  // Look once the child runs sleep itself (a program that opens nothing).
  std::string proc = "/proc/" + std::to_string(child.pid());
  for (int i = 0; i < 200; ++i) {
    std::ifstream cmdline(proc + "/cmdline");
    std::string argv0;
    std::getline(cmdline, argv0, '\0');
    if (argv0 == "sleep") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::set<std::string> fds;
  for (const auto& entry : std::filesystem::directory_iterator(proc + "/fd")) fds.insert(entry.path().filename());
  EXPECT_EQ(fds, (std::set<std::string>{"0", "1", "2"}));
  child.signal_group(SIGKILL);
  child.wait();
}

TEST(ChildProcess, RunsInTheGivenDirectory) {
  TempDir dir;
  SpawnOptions options;
  options.argv = {"pwd"};
  options.env = basic_env();
  options.cwd = dir.path();
  EXPECT_EQ(run_captured(options).output, std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(ChildProcess, GetsExactlyTheGivenEnvironment) {
  SpawnOptions options;
  options.argv = {"env"};
  options.env = {"A=1", "B=two words", "EMPTY="};
  EXPECT_EQ(run_captured(options).output, "A=1\nB=two words\nEMPTY=\n");
}

TEST(ChildProcess, StdinIsDevNullAndStderrFollowsStdout) {
  SpawnOptions options;
  options.argv = {"sh", "-c", "cat; echo out; echo err >&2"};
  options.env = basic_env();
  auto captured = run_captured(options);
  EXPECT_EQ(exit_code_of(captured.status), 0);
  EXPECT_EQ(captured.output, "out\nerr\n");
}

TEST(ChildProcess, LeadsItsOwnProcessGroup) {
  ChildProcess child = ChildProcess::spawn(sleeper());
  ASSERT_TRUE(child.running());
  EXPECT_EQ(::getpgid(child.pid()), child.pid());
  EXPECT_GE(child.pidfd(), 0);
  EXPECT_TRUE(process_group_alive(child.pid()));
}

TEST(ChildProcess, CanShareOurProcessGroup) {
  SpawnOptions options = sleeper();
  options.new_process_group = false;
  ChildProcess child = ChildProcess::spawn(options);
  EXPECT_EQ(::getpgid(child.pid()), ::getpgrp());
  child.signal_group(SIGKILL);  // only the child: it has no group of its own
  int status = child.wait();
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(ChildProcess, ReportsExitStatus) {
  SpawnOptions options;
  options.argv = {"sh", "-c", "exit 3"};
  options.env = basic_env();
  int status = run_captured(options).status;
  EXPECT_EQ(exit_code_of(status), 3);
  EXPECT_EQ(describe_wait_status(status), "exit status 3");
}

TEST(ChildProcess, ReportsDeathBySignal) {
  SpawnOptions options;
  options.argv = {"sh", "-c", "kill -TERM $$"};
  options.env = basic_env();
  int status = run_captured(options).status;
  EXPECT_EQ(exit_code_of(status), 128 + SIGTERM);
  EXPECT_EQ(describe_wait_status(status), "killed by signal Terminated");
}

TEST(ChildProcess, SignalGroupReachesABackgroundGrandchild) {
  SpawnOptions options;
  options.argv = {"sh", "-c", "sleep 30 & echo $!; wait"};
  options.env = basic_env();
  Pipe pipe = make_pipe();
  options.stdout_fd = pipe.write.get();
  ChildProcess child = ChildProcess::spawn(options);
  pipe.write.reset();
  auto line = read_from(pipe.read.get(), /*line_only=*/true);
  ASSERT_TRUE(line);
  pid_t grandchild = static_cast<pid_t>(std::stol(*line));
  EXPECT_EQ(::getpgid(grandchild), child.pid());

  child.signal_group(SIGKILL);
  int status = child.wait();
  EXPECT_EQ(exit_code_of(status), 128 + SIGKILL);
  EXPECT_TRUE(ends_within_bound(grandchild));
}

TEST(ChildProcess, DestroyingARunningChildKillsAndReapsIt) {
  pid_t pid = -1;
  {
    ChildProcess child = ChildProcess::spawn(sleeper());
    pid = child.pid();
  }
  // Reaped: it is no longer our child, and no process has its pid.
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  EXPECT_EQ(process_state(pid), 0);
}

TEST(ChildProcess, TryReapNeverBlocks) {
  ChildProcess child = ChildProcess::spawn(sleeper());
  EXPECT_FALSE(child.try_reap());
  EXPECT_TRUE(child.running());
  child.signal_group(SIGKILL);
  std::optional<int> status;
  for (int i = 0; i < 1000 && !status; ++i) {
    status = child.try_reap();
    if (!status) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(status);
  EXPECT_EQ(exit_code_of(*status), 128 + SIGKILL);
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.wait(), 0);  // nothing left to wait for
}

TEST(ChildProcess, MoveAssignmentKillsTheChildItReplaces) {
  ChildProcess first = ChildProcess::spawn(sleeper());
  pid_t first_pid = first.pid();
  ChildProcess second = ChildProcess::spawn(sleeper());
  pid_t second_pid = second.pid();
  first = std::move(second);
  EXPECT_FALSE(second.running());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(first.pid(), second_pid);
  EXPECT_EQ(::waitpid(first_pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(process_state(first_pid), 0);
}

TEST(ChildProcess, SpawnFailuresThrow) {
  SpawnOptions options;
  options.env = basic_env();
  EXPECT_THROW(ChildProcess::spawn(options), Error);
  options.argv = {"/nonexistent/slipway-no-such-program"};
  EXPECT_THROW(ChildProcess::spawn(options), Error);
  options.argv = {"true"};
  options.cwd = "/nonexistent/slipway-no-such-dir";
  EXPECT_THROW(ChildProcess::spawn(options), Error);
}

TEST(ProcessStartTime, IsKnownForLiveProcessesOnly) {
  long long self = process_start_time(::getpid());
  EXPECT_GT(self, 0);
  ChildProcess child = ChildProcess::spawn(sleeper());
  EXPECT_GE(process_start_time(child.pid()), self);  // started after us
  EXPECT_EQ(process_start_time(0x3fffffff), -1);     // above any pid_max
}

TEST(SignalGroupIfSame, RefusesAGroupWhoseLeaderStartedAtAnotherTime) {
  ChildProcess child = ChildProcess::spawn(sleeper());
  pid_t pgid = child.pid();
  long long start = process_start_time(pgid);
  ASSERT_GT(start, 0);
  // A recycled pid: the recorded start time is not the leader's.
  EXPECT_FALSE(signal_group_if_same(pgid, start + 1, SIGKILL));
  EXPECT_FALSE(child.try_reap());
  EXPECT_NE(process_state(pgid), 'Z');

  EXPECT_TRUE(signal_group_if_same(pgid, start, SIGKILL));
  EXPECT_EQ(exit_code_of(child.wait()), 128 + SIGKILL);
  EXPECT_FALSE(signal_group_if_same(pgid, start, SIGKILL));  // gone now
}

TEST(SignalGroupIfSame, NeverSignalsInitOrEveryone) {
  EXPECT_FALSE(signal_group_if_same(0, 0, 0));
  EXPECT_FALSE(signal_group_if_same(1, process_start_time(1), 0));
  EXPECT_FALSE(signal_group_if_same(-1, 0, 0));
  EXPECT_FALSE(process_group_alive(0));
}

TEST(ProcessGroupAlive, IsFalseOnceTheGroupIsReaped) {
  ChildProcess child = ChildProcess::spawn(sleeper());
  pid_t pgid = child.pid();
  EXPECT_TRUE(process_group_alive(pgid));
  child.signal_group(SIGKILL);
  child.wait();
  EXPECT_FALSE(process_group_alive(pgid));
}

}  // namespace
}  // namespace slipway::util
