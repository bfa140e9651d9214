#include "util/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "util/error.h"

namespace slipway::util {

namespace {

// posix_spawn objects, destroyed on every path.
struct SpawnAttr {
  posix_spawnattr_t attr;
  SpawnAttr() { posix_spawnattr_init(&attr); }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr); }
};
struct FileActions {
  posix_spawn_file_actions_t actions;
  FileActions() { posix_spawn_file_actions_init(&actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
};

// The children a ChildProcess owns, for telling them from adopted orphans.
std::mutex owned_mutex;
std::set<pid_t>& owned_children() {
  static std::set<pid_t> pids;
  return pids;
}
void disown(pid_t pid) {
  std::lock_guard lock(owned_mutex);
  owned_children().erase(pid);
}

// glibc 2.36 declares pidfd_open without C linkage for C++ callers: go
// through the system call directly.
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

}  // namespace

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

ChildProcess ChildProcess::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) throw Error("spawn: empty argv");
  SpawnAttr attr;
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (options.new_session) {
    flags |= POSIX_SPAWN_SETSID;  // leads a new session and, with it, a new group
  } else if (options.new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr.attr, 0);
  }
  posix_spawnattr_setflags(&attr.attr, flags);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr.attr, &empty);
  sigset_t defaults;
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  posix_spawnattr_setsigdefault(&attr.attr, &defaults);

  FileActions fa;
  if (options.stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&fa.actions, options.stdin_fd, 0);
  } else {
    posix_spawn_file_actions_addopen(&fa.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (options.stdout_fd >= 0) {
    posix_spawn_file_actions_adddup2(&fa.actions, options.stdout_fd, 1);
  } else {
    posix_spawn_file_actions_addopen(&fa.actions, 1, "/dev/null", O_WRONLY, 0);
  }
  if (options.stderr_fd >= 0) {
    posix_spawn_file_actions_adddup2(&fa.actions, options.stderr_fd, 2);
  } else {
    posix_spawn_file_actions_adddup2(&fa.actions, 1, 2);
  }
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa.actions, options.cwd.c_str());
  // Only stdin, stdout and stderr cross over: descriptors opened without
  // close-on-exec (Asio's listening socket, for one) must never reach a step.
  posix_spawn_file_actions_addclosefrom_np(&fa.actions, 3);

  auto argv = c_strings(options.argv);
  auto envp = c_strings(options.env);
  pid_t pid = -1;
  {
    // Spawned and recorded as owned in one step: the orphan sweeper (on another
    // thread) reaps children it does not know, and a child that exits at once
    // must not be reaped before its owner has it.
    std::lock_guard lock(owned_mutex);
    int rc = posix_spawnp(&pid, argv[0], &fa.actions, &attr.attr, argv.data(), envp.data());
    if (rc != 0) throw_errno("spawn " + options.argv[0], rc);
    owned_children().insert(pid);
  }
  ChildProcess child;
  child.pid_ = pid;
  child.own_group_ = options.new_process_group || options.new_session;
  int pidfd = open_pidfd(pid);
  if (pidfd < 0) {
    int saved = errno;
    child.signal_group(SIGKILL);
    child.wait();
    throw_errno("pidfd_open", saved);
  }
  child.pidfd_.reset(pidfd);
  ::fcntl(pidfd, F_SETFD, FD_CLOEXEC);
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), own_group_(other.own_group_), pidfd_(std::move(other.pidfd_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (running()) {
      signal_group(SIGKILL);
      wait();
    }
    pid_ = std::exchange(other.pid_, -1);
    own_group_ = other.own_group_;
    pidfd_ = std::move(other.pidfd_);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (running()) {
    signal_group(SIGKILL);
    wait();
  }
}

void ChildProcess::signal_group(int sig) const {
  if (pid_ <= 0) return;
  if (own_group_) {
    ::kill(-pid_, sig);
  } else {
    ::kill(pid_, sig);
  }
}

std::optional<int> ChildProcess::try_reap() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    disown(pid_);
    pid_ = -1;
    pidfd_.reset();
    return status;
  }
  if (r < 0 && errno == ECHILD) {  // reaped elsewhere: nothing more to learn
    disown(pid_);
    pid_ = -1;
    pidfd_.reset();
    return 0;
  }
  return std::nullopt;
}

int ChildProcess::wait() {
  if (pid_ <= 0) return 0;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) {
      status = 0;
      break;
    }
  }
  disown(pid_);
  pid_ = -1;
  pidfd_.reset();
  return status;
}

pid_t ChildProcess::release() {
  pid_t pid = std::exchange(pid_, -1);
  if (pid > 0) disown(pid);
  pidfd_.reset();
  return pid;
}

bool is_owned_child(pid_t pid) {
  std::lock_guard lock(owned_mutex);
  return owned_children().count(pid) > 0;
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

std::string describe_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return std::string("killed by signal ") + ::strsignal(WTERMSIG(wait_status));
  }
  return "unknown wait status";
}

long long process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  // Fields from 3 on; starttime is field 22.
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return -1;
  }
  return std::stoll(field);
}

bool process_group_alive(pid_t pgid) {
  if (pgid <= 0) return false;
  return ::kill(-pgid, 0) == 0 || errno == EPERM;
}

bool signal_group_if_same(pid_t pgid, long long start_time, int sig) {
  if (pgid <= 1) return false;
  if (!process_group_alive(pgid)) return false;
  // The leader may be gone while the group lives on; only trust the group when
  // its leader, if present, is the process we started.
  long long now = process_start_time(pgid);
  if (now >= 0 && now != start_time) return false;
  return ::kill(-pgid, sig) == 0;
}

}  // namespace slipway::util
