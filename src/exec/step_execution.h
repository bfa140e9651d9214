// One running process tree whose output is captured to a log file: a pipeline
// step, or the `git fetch` of a run's setup. It owns the child's process
// group; timeout and cancel end the whole group (TERM, grace, KILL), and so
// does the leader's exit, so no background process outlives its step.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/child_process.h"
#include "util/fd.h"

namespace slipway::exec {

struct StepOutcome {
  int exit_code = -1;      // 128+N when killed by signal N
  bool timed_out = false;
  bool cancelled = false;
  std::string description;  // "exit status 1", "timed out after 10s", ...
  bool succeeded() const { return exit_code == 0 && !timed_out && !cancelled; }
};

struct StepOptions {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string cwd;
  std::string log_path;  // output is appended here as it comes
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds kill_grace{5000};  // between SIGTERM and SIGKILL
  std::vector<std::string> masked;  // secret values written to the log as "****"
};

class StepExecution : public std::enable_shared_from_this<StepExecution> {
 public:
  using OutputHandler = std::function<void(std::uint64_t log_size)>;
  using ExitHandler = std::function<void(const StepOutcome&)>;

  // Spawns the process; throws util::Error when it cannot start. ON_OUTPUT runs
  // after each chunk is written to the log, ON_EXIT once when the process has
  // exited and its output is all in the log.
  static std::shared_ptr<StepExecution> start(boost::asio::io_context& io, const StepOptions& options,
                                              OutputHandler on_output, ExitHandler on_exit);

  // Ends the process group: SIGTERM now, SIGKILL after the grace period.
  void cancel();

  pid_t pgid() const { return pgid_; }
  long long start_time() const { return start_time_; }
  std::uint64_t log_size() const { return log_size_; }

  StepExecution(boost::asio::io_context& io, const StepOptions& options);

 private:
  void read_output();
  void move_output();
  ssize_t copy_output();
  void write_log(std::string_view text);
  void end_output();
  void wait_for_exit();
  void on_leader_exit();
  void terminate();
  void finish_if_done();

  boost::asio::io_context& io_;
  StepOptions options_;
  util::ChildProcess child_;
  util::Fd log_;
  boost::asio::posix::stream_descriptor output_;
  boost::asio::posix::stream_descriptor exit_watch_;
  boost::asio::steady_timer timeout_timer_;
  boost::asio::steady_timer kill_timer_;
  boost::asio::steady_timer drain_timer_;
  std::vector<char> buffer_;
  OutputHandler on_output_;
  ExitHandler on_exit_;
  pid_t pgid_ = -1;
  long long start_time_ = -1;
  std::uint64_t log_size_ = 0;
  std::optional<int> wait_status_;
  bool output_done_ = false;
  bool splice_ok_ = true;
  std::string held_;            // masking: output not yet written (may end in part of a secret)
  std::size_t hold_back_ = 0;   // masking: the longest secret's length - 1
  std::uint64_t written_ = 0;   // bytes copy_output put into the log in this wake-up
  bool finished_ = false;
  bool timed_out_ = false;
  bool cancelled_ = false;
  bool terminating_ = false;
};

}  // namespace slipway::exec
