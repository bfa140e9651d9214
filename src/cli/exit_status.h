// The client's exit statuses, so scripts can tell a failed run from a cancelled one
// (`slipway run APP --wait && deploy`), and a deployment that failed from one
// that was superseded by a newer one.
#pragma once

#include <string_view>

namespace slipway::cli {

inline constexpr int kExitSuccess = 0;    // the command worked; the run succeeded or was skipped
inline constexpr int kExitFailure = 1;    // the run failed, or an API or connection error
inline constexpr int kExitUsage = 2;      // bad command line
inline constexpr int kExitCancelled = 3;  // the run or deployment was cancelled, interrupted or superseded

// The exit status that reports a run in STATUS; unfinished runs report success.
inline int exit_status_for_run(std::string_view status) {
  if (status == "failed") return kExitFailure;
  if (status == "cancelled" || status == "interrupted") return kExitCancelled;
  return kExitSuccess;
}

// The exit status that reports a deployment in STATUS; unfinished ones (and one
// waiting for approval: delivered, as asked) report success.
inline int exit_status_for_deployment(std::string_view status) {
  if (status == "failed") return kExitFailure;
  if (status == "cancelled" || status == "interrupted" || status == "superseded") return kExitCancelled;
  return kExitSuccess;
}

// Runs, steps and deployments alike.
inline bool is_finished_status(std::string_view status) {
  return status != "queued" && status != "running" && status != "pending";
}

}  // namespace slipway::cli
