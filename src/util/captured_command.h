// Runs a short-lived command (ssh, rsync, ssh-keygen) to its end and returns
// its exit status and output: argv only, stdin fed from a string, stdout and
// stderr merged, bounded in time and in the output kept.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace slipway::util {

struct CapturedCommand {
  std::vector<std::string> argv;
  std::vector<std::string> env;         // the whole environment; empty: inherit ours
  std::string cwd;                      // empty: inherit
  std::string input;                    // written to its stdin, which is then closed
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  const std::atomic<bool>* stop = nullptr;  // when it becomes true the command is killed
};

struct CapturedResult {
  int exit_code = -1;     // 0 on success; 128+N when killed by signal N
  bool timed_out = false;
  bool stopped = false;   // killed because *stop became true
  std::string output;     // stdout and stderr as written; the last 1 MiB when longer
  bool ok() const { return exit_code == 0 && !timed_out && !stopped; }
};

// This process's environment, "KEY=VALUE" each.
std::vector<std::string> our_environment();

// Throws util::Error only when the command cannot be started at all.
CapturedResult run_captured(const CapturedCommand& command);

}  // namespace slipway::util
