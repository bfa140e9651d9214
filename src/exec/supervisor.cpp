#include "exec/supervisor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <vector>

#include "exec/instance_control.h"
#include "exec/instance_spec.h"
#include "exec/supervisor_backoff.h"
#include "exec/supervisor_log.h"
#include "util/child_process.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fd.h"

namespace slipway::exec {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kReadChunk = 64 * 1024;
// Read after the app's exit at most: an escaped writer cannot keep us reading.
constexpr std::size_t kDrainLimit = 1024 * 1024;

std::string describe_delay(milliseconds delay) {
  if (delay.count() < 1000) return fmt::format("{}ms", delay.count());
  if (delay.count() % 1000 == 0) return fmt::format("{}s", delay.count() / 1000);
  return fmt::format("{:.1f}s", static_cast<double>(delay.count()) / 1000.0);
}

// supervisor.pid, locked with flock() for as long as this process supervises
// the instance, so a second supervisor of the same instance refuses to start.
class PidFile {
 public:
  // Returns nothing (and says why in ERROR) when another supervisor holds it.
  static std::optional<PidFile> lock(const std::string& path, std::string& error) {
    util::Fd fd = util::open_file(path, O_RDWR | O_CREAT, 0644);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) util::throw_errno("flock " + path);
      std::ifstream in(path);
      std::string holder;
      std::getline(in, holder);
      error = "another supervisor (pid " + holder + ") runs this instance";
      return std::nullopt;
    }
    std::string text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd.get(), 0) != 0) util::throw_errno("truncate " + path);
    util::write_all(fd.get(), text.data(), text.size());
    return PidFile(path, std::move(fd));
  }
  PidFile(PidFile&& other) noexcept = default;
  PidFile& operator=(PidFile&&) = delete;
  ~PidFile() {
    if (fd_.valid()) ::unlink(path_.c_str());  // before the lock goes with the descriptor
  }

 private:
  PidFile(std::string path, util::Fd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  util::Fd fd_;
};

// SIGTERM, SIGINT and SIGCHLD arrive on a descriptor the poll loop watches; no
// signal handler runs at all. SIGHUP and SIGPIPE are ignored (children get
// the default dispositions back from ChildProcess::spawn).
util::Fd block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGCHLD);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) util::throw_errno("sigprocmask");
  int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) util::throw_errno("signalfd");
  ::signal(SIGHUP, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);
  return util::Fd(fd);
}

// Our direct children (the supervisor has one thread).
std::vector<pid_t> direct_children() {
  std::ifstream in("/proc/thread-self/children");
  std::vector<pid_t> pids;
  pid_t pid = 0;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

// The value of PATH in ENV, if it has one.
std::optional<std::string> path_of(const std::vector<std::string>& env) {
  for (const auto& entry : env) {
    if (entry.rfind("PATH=", 0) == 0) return entry.substr(5);
  }
  return std::nullopt;
}

class Supervisor {
 public:
  Supervisor(std::string dir, InstanceSpec spec, SupervisorLog log, util::Fd signals)
      : dir_(std::move(dir)),
        spec_(std::move(spec)),
        log_(std::move(log)),
        signals_(std::move(signals)),
        backoff_(spec_) {}

  int run() {
    state_.supervisor_pid = ::getpid();
    state_.supervisor_start_time = util::process_start_time(::getpid());
    try {
      save(InstanceStatus::starting);
      start_app();
      while (!stopping_ || app_.running()) wait_and_handle();
    } catch (const std::exception& e) {
      std::cerr << "slipway supervise: " << e.what() << "\n";
      log_.note(std::string("supervisor failed: ") + e.what());
      if (app_.running()) {
        app_.signal_group(SIGKILL);
        app_.wait();
      }
      end_escaped_processes();
      state_.pid = 0;
      state_.pid_start_time = 0;
      state_.last_exit = std::string("supervisor failed: ") + e.what();
      save(InstanceStatus::crashed);
      return 1;
    }
    end_escaped_processes();
    log_.note("stopped");
    save(InstanceStatus::stopped);
    return 0;
  }

 private:
  void wait_and_handle() {
    pollfd fds[3];
    nfds_t count = 0;
    fds[count++] = {signals_.get(), POLLIN, 0};
    int output_index = -1;
    int app_index = -1;
    if (output_.valid()) {
      output_index = static_cast<int>(count);
      fds[count++] = {output_.get(), POLLIN, 0};
    }
    if (app_.running()) {
      app_index = static_cast<int>(count);
      fds[count++] = {app_.pidfd(), POLLIN, 0};
    }
    if (::poll(fds, count, poll_timeout_ms()) < 0) {
      if (errno == EINTR) return;
      util::throw_errno("poll");
    }
    // Output first: what the app printed comes before the note of its exit.
    if (output_index >= 0 && fds[output_index].revents != 0) read_output(kReadChunk);
    if (app_index >= 0 && fds[app_index].revents != 0) app_exited();
    if (fds[0].revents != 0) handle_signals();

    auto now = Clock::now();
    if (kill_at_ && now >= *kill_at_) {
      kill_at_.reset();
      if (app_.running()) {
        log_.note(
            fmt::format("still running {} after SIGTERM, sending SIGKILL", describe_delay(spec_.stop_grace)));
        app_.signal_group(SIGKILL);
      }
    }
    if (restart_at_ && now >= *restart_at_) {
      restart_at_.reset();
      ++state_.restarts;
      start_app();
    }
  }

  int poll_timeout_ms() const {
    std::optional<Clock::time_point> next;
    for (const auto& at : {kill_at_, restart_at_}) {
      if (at && (!next || *at < *next)) next = at;
    }
    if (!next) return -1;
    auto left = std::chrono::ceil<milliseconds>(*next - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 60 * 60 * 1000));
  }

  void start_app() {
    util::Pipe pipe = util::make_pipe();
    util::SpawnOptions options;
    options.argv = spec_.argv;
    options.env = spec_.env;
    options.cwd = spec_.cwd;
    options.stdout_fd = pipe.write.get();  // stderr goes to the same pipe
    options.new_process_group = true;
    started_at_ = Clock::now();
    try {
      app_ = util::ChildProcess::spawn(options);
    } catch (const util::Error& e) {
      log_.note(std::string("cannot start: ") + e.what());
      exited(e.what());
      return;
    }
    pipe.write.reset();
    output_ = std::move(pipe.read);
    if (::fcntl(output_.get(), F_SETFL, O_NONBLOCK) != 0) util::throw_errno("fcntl O_NONBLOCK");
    state_.pid = app_.pid();
    state_.pid_start_time = util::process_start_time(app_.pid());
    save(InstanceStatus::running);
    log_.note(fmt::format("started pid {}", app_.pid()));
  }

  // Reads at most LIMIT bytes of output; closes the pipe at its end.
  void read_output(std::size_t limit) {
    char buffer[kReadChunk];
    std::size_t total = 0;
    while (output_.valid() && total < limit) {
      ssize_t n = ::read(output_.get(), buffer, sizeof buffer);
      if (n > 0) {
        log_.append_output(std::string_view(buffer, static_cast<std::size_t>(n)));
        total += static_cast<std::size_t>(n);
      } else if (n == 0) {
        output_.reset();
      } else if (errno == EINTR) {
        continue;
      } else if (errno == EAGAIN) {
        return;
      } else {
        util::throw_errno("read app output");
      }
    }
  }

  void app_exited() {
    // The leader is gone (a zombie until reaped, so its group id is still
    // ours): the rest of its group goes with it, or a restarted app would find
    // the port still taken.
    app_.signal_group(SIGKILL);
    int status = app_.wait();
    read_output(kDrainLimit);
    output_.reset();
    log_.flush_partial();
    end_escaped_processes();
    state_.pid = 0;
    state_.pid_start_time = 0;
    exited(util::describe_wait_status(status));
  }

  // The app's run ended with DESCRIPTION: back off and start it again, or give up.
  void exited(const std::string& description) {
    state_.last_exit = description;
    kill_at_.reset();
    if (stopping_) {
      log_.note(description);
      return;
    }
    auto uptime = std::chrono::duration_cast<milliseconds>(Clock::now() - started_at_);
    auto delay = backoff_.after_exit(uptime);
    if (!delay) {
      int failures = backoff_.quick_failures();
      log_.note(fmt::format("{}; crashed: {} quick failure{} in a row, not restarting", description, failures,
                            failures == 1 ? "" : "s"));
      save(InstanceStatus::crashed);
      return;
    }
    log_.note(fmt::format("{}, restarting in {}", description, describe_delay(*delay)));
    restart_at_ = Clock::now() + *delay;
    save(InstanceStatus::backoff);
  }

  void handle_signals() {
    signalfd_siginfo info;
    while (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) begin_stop(static_cast<int>(info.ssi_signo));
      if (info.ssi_signo == SIGCHLD) reap_escaped_processes();
    }
  }

  void begin_stop(int sig) {
    if (stopping_) return;
    stopping_ = true;
    restart_at_.reset();
    if (!app_.running()) return;
    log_.note(fmt::format("stopping ({}): SIGTERM to the group of pid {}", ::sigabbrev_np(sig), app_.pid()));
    app_.signal_group(SIGTERM);
    kill_at_ = Clock::now() + spec_.stop_grace;
  }

  // Any child but the app was adopted (we are a subreaper): it escaped the
  // app's group. Exited ones are reaped here...
  void reap_escaped_processes() {
    for (pid_t pid : direct_children()) {
      if (pid != app_.pid()) ::waitpid(pid, nullptr, WNOHANG);
    }
  }
  // ...and live ones are killed once their app has exited or is stopped.
  void end_escaped_processes() {
    for (pid_t pid : direct_children()) {
      if (pid == app_.pid()) continue;
      if (::getpgid(pid) == pid) ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, WNOHANG);
    }
  }

  void save(InstanceStatus status) {
    state_.status = status;
    state_.changed_at_ms = util::now_ms();
    try {
      write_state(dir_, state_);
    } catch (const std::exception& e) {  // the app matters more than its state file: keep going
      std::cerr << "slipway supervise: " << e.what() << "\n";
    }
  }

  std::string dir_;
  InstanceSpec spec_;
  SupervisorLog log_;
  util::Fd signals_;
  SupervisorBackoff backoff_;
  InstanceState state_;
  util::ChildProcess app_;
  util::Fd output_;  // read end of the app's stdout and stderr
  Clock::time_point started_at_;
  std::optional<Clock::time_point> restart_at_;  // in backoff
  std::optional<Clock::time_point> kill_at_;     // stopping: when SIGTERM turns into SIGKILL
  bool stopping_ = false;
};

}  // namespace

int run_supervisor(const std::string& instance_dir) {
  auto spec = read_spec(instance_dir);
  if (!spec) {
    std::cerr << "slipway supervise: " << spec.error() << "\n";
    return 1;
  }
  try {
    std::string busy;
    auto pid_file = PidFile::lock(supervisor_pid_path(instance_dir), busy);
    if (!pid_file) {
      std::cerr << "slipway supervise: " << instance_dir << ": " << busy << "\n";
      return 1;
    }
    SupervisorLog log = SupervisorLog::open(spec->log_path, spec->name, spec->masked);
    // A supervisor killed earlier may have left its app running: end it before
    // starting another on the same port.
    if (kill_orphaned_app(instance_dir)) log.note("killed the app left running by an earlier supervisor");
    util::Fd signals = block_signals();
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) util::throw_errno("prctl(PR_SET_CHILD_SUBREAPER)");
    // posix_spawnp looks argv[0] up in our PATH: make it the app's.
    if (auto path = path_of(spec->env)) ::setenv("PATH", path->c_str(), 1);
    Supervisor supervisor(instance_dir, std::move(spec.value()), std::move(log), std::move(signals));
    return supervisor.run();
  } catch (const std::exception& e) {
    std::cerr << "slipway supervise: " << instance_dir << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace slipway::exec
