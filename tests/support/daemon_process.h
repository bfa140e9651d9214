// Running things for end-to-end tests and benchmarks: commands (argv only,
// bounded in time) and the real `slipway serve` in a temporary home, stopped
// by PID.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "util/child_process.h"

namespace slipway::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs ARGV (no shell) in CWD with extra environment; bounded by TIMEOUT.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& cwd = {},
                          const std::vector<std::string>& extra_env = {},
                          std::chrono::seconds timeout = std::chrono::seconds(60));

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

class Daemon {
 public:
  Daemon() = default;
  ~Daemon() { stop(); }
  // Starts `slipway serve --home HOME --listen 127.0.0.1:0 ARGS...` and waits until it answers.
  void start(const std::string& binary, const std::string& home, const std::vector<std::string>& args = {});
  void stop(std::chrono::seconds patience = std::chrono::seconds(30));  // SIGTERM, then SIGKILL
  void kill9();
  bool running() const { return child_.running(); }
  pid_t pid() const { return child_.pid(); }
  const std::string& url() const { return url_; }
  std::string output() const;  // what it printed

 private:
  util::ChildProcess child_;
  std::string url_;
  std::string output_path_;
};

}  // namespace slipway::testing
