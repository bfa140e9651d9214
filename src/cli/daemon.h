// The daemon: takes the home directory's lock, opens the store, recovers what
// a previous run left, then serves HTTP and runs pipelines until SIGTERM.
#pragma once

#include <string>

namespace slipway::cli {

struct DaemonOptions {
  std::string home = "./var";
  std::string listen = "127.0.0.1:7300";
  int executors = 0;          // 0: number of cores
  int grace_seconds = 10;     // on SIGTERM: how long running steps may finish
  int kill_grace_seconds = 5; // cancel/timeout: SIGTERM -> SIGKILL
  bool public_read = false;
  std::string proxy_listen = "127.0.0.1:8080";  // where nginx serves the deployed apps
  int stop_grace_seconds = 10;                   // app processes: SIGTERM -> SIGKILL
  int test_poll_minimum_seconds = 0;             // hidden, tests only: lowers the 10 s poll minimum
};

// Runs until stopped; returns the process exit status.
int run_daemon(const DaemonOptions& options);

}  // namespace slipway::cli
