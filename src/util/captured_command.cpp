#include "util/captured_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "util/child_process.h"
#include "util/error.h"
#include "util/fd.h"

extern char** environ;

namespace slipway::util {

namespace {

constexpr std::size_t kMaxOutput = 1 << 20;

}  // namespace

std::vector<std::string> our_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) env.emplace_back(*entry);
  return env;
}

CapturedResult run_captured(const CapturedCommand& command) {
  int out[2];
  int in[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw_errno("pipe");
  Fd out_read(out[0]);
  Fd out_write(out[1]);
  if (::pipe2(in, O_CLOEXEC) != 0) throw_errno("pipe");
  Fd in_read(in[0]);
  Fd in_write(in[1]);

  SpawnOptions options;
  options.argv = command.argv;
  options.env = command.env.empty() ? our_environment() : command.env;
  options.cwd = command.cwd;
  options.stdin_fd = in_read.get();
  options.stdout_fd = out_write.get();
  options.new_session = true;  // no terminal: ssh must never prompt
  ChildProcess child = ChildProcess::spawn(options);
  in_read = Fd();
  out_write = Fd();
  if (::fcntl(in_write.get(), F_SETFL, O_NONBLOCK) != 0) throw_errno("fcntl");

  CapturedResult result;
  std::size_t written = 0;
  if (command.input.empty()) in_write = Fd();
  const auto deadline = std::chrono::steady_clock::now() + command.timeout;
  char buffer[16384];
  for (;;) {
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      break;
    }
    if (command.stop && *command.stop) {
      result.stopped = true;
      break;
    }
    pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {in_write.get(), POLLOUT, 0}};
    const nfds_t count = in_write.get() >= 0 ? 2 : 1;
    int ready = ::poll(fds, count, 100);
    if (ready < 0 && errno != EINTR) throw_errno("poll");
    if (ready <= 0) continue;
    if (count == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(in_write.get(), command.input.data() + written, command.input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == command.input.size()) in_write = Fd();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(out_read.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      result.output.append(buffer, static_cast<std::size_t>(n));
      if (result.output.size() > 2 * kMaxOutput) result.output.erase(0, result.output.size() - kMaxOutput);
    }
  }
  if (result.output.size() > kMaxOutput) result.output.erase(0, result.output.size() - kMaxOutput);
  if (result.timed_out || result.stopped) {
    child.signal_group(SIGKILL);
    child.wait();
    return result;
  }
  result.exit_code = exit_code_of(child.wait());
  return result;
}

}  // namespace slipway::util
