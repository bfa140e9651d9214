#include "exec/step_execution.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "util/error.h"
#include "util/strings.h"

namespace slipway::exec {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kSpliceChunk = 1 << 20;
constexpr std::uint64_t kMaxPerWakeup = 4 << 20;
// After the leader exits, how long its output pipe may stay open (held by a
// process that left the group) before the step is declared finished anyway.
constexpr std::chrono::seconds kDrainLimit{2};

std::string format_duration(std::chrono::milliseconds ms) {
  auto count = ms.count();
  if (count % 3600000 == 0) return fmt::format("{}h", count / 3600000);
  if (count % 60000 == 0) return fmt::format("{}m", count / 60000);
  if (count % 1000 == 0) return fmt::format("{}s", count / 1000);
  return fmt::format("{}ms", count);
}

}  // namespace

StepExecution::StepExecution(asio::io_context& io, const StepOptions& options)
    : io_(io),
      options_(options),
      output_(io),
      exit_watch_(io),
      timeout_timer_(io),
      kill_timer_(io),
      drain_timer_(io),
      buffer_(kChunk) {}

std::shared_ptr<StepExecution> StepExecution::start(asio::io_context& io, const StepOptions& options,
                                                    OutputHandler on_output, ExitHandler on_exit) {
  auto self = std::make_shared<StepExecution>(io, options);
  self->on_output_ = std::move(on_output);
  self->on_exit_ = std::move(on_exit);
  // Not O_APPEND: splice() refuses such files. Writing from the end is the same
  // here, as only this execution writes the log while it runs.
  self->log_ = util::open_file(options.log_path, O_WRONLY | O_CREAT, 0644);
  off_t end = ::lseek(self->log_.get(), 0, SEEK_END);
  if (end < 0) util::throw_errno("seek " + options.log_path);
  self->log_size_ = static_cast<std::uint64_t>(end);
  if (!options.masked.empty()) {
    // Secrets must be found in the output before it reaches the file: copy, never splice.
    self->splice_ok_ = false;
    for (const auto& secret : options.masked) self->hold_back_ = std::max(self->hold_back_, secret.size());
    if (self->hold_back_ > 0) --self->hold_back_;
  }

  util::Pipe pipe = util::make_pipe();
  // A larger pipe means fewer wake-ups when a step prints a lot.
  ::fcntl(pipe.write.get(), F_SETPIPE_SZ, 1 << 20);
  util::SpawnOptions spawn;
  spawn.argv = options.argv;
  spawn.env = options.env;
  spawn.cwd = options.cwd;
  spawn.stdout_fd = pipe.write.get();
  // A session of its own: a step that opens /dev/tty (a password prompt) gets
  // an error instead of stopping forever on the daemon's terminal.
  spawn.new_session = true;
  self->child_ = util::ChildProcess::spawn(spawn);
  pipe.write.reset();  // only the child writes now, so EOF means every writer is gone
  self->pgid_ = self->child_.pid();
  self->start_time_ = util::process_start_time(self->pgid_);

  self->output_.assign(pipe.read.release());
  int watch = ::dup(self->child_.pidfd());
  if (watch < 0) util::throw_errno("dup pidfd");  // the child is killed and reaped by its owner
  self->exit_watch_.assign(watch);
  if (options.timeout) {
    self->timeout_timer_.expires_after(*options.timeout);
    self->timeout_timer_.async_wait([weak = std::weak_ptr(self)](const boost::system::error_code& ec) {
      auto me = weak.lock();
      if (ec || !me || me->wait_status_) return;
      me->timed_out_ = true;
      me->terminate();
    });
  }
  self->read_output();
  self->wait_for_exit();
  return self;
}

void StepExecution::read_output() {
  output_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       if (ec) return self->end_output();  // closed by the drain limit
                       self->move_output();
                     });
}

void StepExecution::move_output() {
  // splice() moves the pipe's pages into the log inside the kernel: no copy
  // through our memory, which is most of the cost for a step that prints a lot.
  std::uint64_t moved = 0;   // bytes read from the pipe
  std::uint64_t grew = 0;    // bytes added to the log
  bool eof = false;
  // Bounded per wake-up, so a step that prints without pause cannot keep
  // the event loop (timeouts, cancel, the API) from its other work.
  while (moved < kMaxPerWakeup) {
    ssize_t n = splice_ok_ ? ::splice(output_.native_handle(), nullptr, log_.get(), nullptr, kSpliceChunk,
                                      SPLICE_F_NONBLOCK | SPLICE_F_MOVE)
                           : copy_output();
    if (n > 0) {
      moved += static_cast<std::uint64_t>(n);
      grew += splice_ok_ ? static_cast<std::uint64_t>(n) : std::exchange(written_, 0);
      continue;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (splice_ok_) {
      splice_ok_ = false;  // e.g. a file system without splice, or a full disk: copy instead
      continue;
    }
    eof = true;  // the pipe itself failed
    break;
  }
  if (eof && !held_.empty()) {  // the end: nothing more can complete a held-back secret
    write_log(util::mask_secrets(std::exchange(held_, {}), options_.masked));
    grew += std::exchange(written_, 0);
  }
  if (grew > 0) {
    log_size_ += grew;
    if (on_output_) on_output_(log_size_);
  }
  if (eof) return end_output();
  read_output();
}

ssize_t StepExecution::copy_output() {
  ssize_t n = ::read(output_.native_handle(), buffer_.data(), buffer_.size());
  if (n <= 0) return n;
  if (options_.masked.empty()) {
    write_log(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
    return n;
  }
  // Mask what is complete; the last (longest secret - 1) bytes wait for more
  // output, as they may be the start of a secret that the next read completes.
  held_.append(buffer_.data(), static_cast<std::size_t>(n));
  std::string masked = util::mask_secrets(held_, options_.masked);
  if (masked.size() > hold_back_) {
    held_ = masked.substr(masked.size() - hold_back_);
    masked.resize(masked.size() - hold_back_);
    write_log(masked);
  } else {
    held_ = std::move(masked);
  }
  return n;
}

void StepExecution::write_log(std::string_view text) {
  try {
    util::write_all(log_.get(), text.data(), text.size());
    written_ += text.size();
  } catch (const util::Error&) {
    // A full disk must not stop the step from being supervised: its log is short then,
    // and what it printed is dropped rather than left to block it.
  }
}

void StepExecution::end_output() {
  output_done_ = true;
  boost::system::error_code ignored;
  output_.close(ignored);
  finish_if_done();
}

void StepExecution::wait_for_exit() {
  exit_watch_.async_wait(asio::posix::stream_descriptor::wait_read,
                         [self = shared_from_this()](const boost::system::error_code& ec) {
                           if (ec == asio::error::operation_aborted) return;
                           self->on_leader_exit();
                         });
}

void StepExecution::on_leader_exit() {
  // The leader is a zombie now, which keeps its group id reserved: end the
  // rest of the group before reaping it.
  child_.signal_group(SIGKILL);
  wait_status_ = child_.wait();
  boost::system::error_code ignored;
  exit_watch_.close(ignored);
  timeout_timer_.cancel();
  kill_timer_.cancel();
  if (!output_done_) {
    drain_timer_.expires_after(kDrainLimit);
    drain_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->output_done_) return;
      boost::system::error_code ignored2;
      self->output_.close(ignored2);  // the pending read completes with operation_aborted
    });
  }
  finish_if_done();
}

void StepExecution::cancel() {
  if (wait_status_ || cancelled_) return;
  cancelled_ = true;
  terminate();
}

void StepExecution::terminate() {
  if (terminating_ || wait_status_) return;
  terminating_ = true;
  child_.signal_group(SIGTERM);
  kill_timer_.expires_after(options_.kill_grace);
  kill_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto me = weak.lock();
    if (ec || !me || me->wait_status_) return;
    me->child_.signal_group(SIGKILL);
  });
}

void StepExecution::finish_if_done() {
  if (finished_ || !wait_status_ || !output_done_) return;
  finished_ = true;
  drain_timer_.cancel();
  StepOutcome outcome;
  outcome.exit_code = util::exit_code_of(*wait_status_);
  outcome.timed_out = timed_out_;
  outcome.cancelled = cancelled_ && !timed_out_;
  if (timed_out_) {
    outcome.description = "timed out after " + format_duration(*options_.timeout);
  } else if (cancelled_) {
    outcome.description = "cancelled";
  } else {
    outcome.description = util::describe_wait_status(*wait_status_);
  }
  log_.reset();
  auto handler = std::move(on_exit_);
  on_output_ = nullptr;
  if (handler) handler(outcome);
}

}  // namespace slipway::exec
