// The four DORA metrics computed from Slipway's own deployment history:
// deployment frequency, lead time for changes (commit time -> live), change
// failure rate, and failed-deployment recovery time ("time to restore"), per
// app and environment and in total, over a window of time.
//
// What counts (docs/DASHBOARD.md says the same to users):
// - a change is a finished `deploy` (not a rollback, config change or scale)
//   that succeeded or failed, counted when it finished inside the window;
// - deployments (frequency) are the changes that succeeded;
// - a change failed when its deployment failed, or when it went live and the
//   next successful deploy or rollback of that environment was a rollback
//   (config changes and scaling in between do not count);
// - time to restore runs from a failed change's end to the end of the next
//   successful deploy or rollback of the same environment;
// - lead time runs from the commit's time to the end of the successful
//   deployment that made it live.
#pragma once

#include <string>
#include <vector>

#include "store/records.h"

namespace slipway::deploy {

struct DoraDeployment {
  std::string app;
  std::string environment;
  std::string kind;     // deploy | rollback | config | scale
  std::string status;   // success | failed | ... (others are ignored)
  store::TimeMs commit_time = 0;  // 0: unknown
  store::TimeMs finished_at = 0;
};

struct DoraNumbers {
  int deployments = 0;
  int changes = 0;
  int failed_changes = 0;
  int lead_time_count = 0;
  double lead_time_median_seconds = -1;  // -1: nothing to measure
  int restores = 0;
  double restore_median_seconds = -1;
};

struct DoraRow {
  std::string app;
  std::string environment;
  DoraNumbers numbers;
};

struct DoraDay {
  std::string date;  // YYYY-MM-DD (UTC)
  int deployments = 0;
  int failures = 0;
};

struct DoraReport {
  DoraNumbers totals;
  std::vector<DoraRow> rows;   // by app, then environment
  std::vector<DoraDay> daily;  // every day of the window, oldest first
};

// HISTORY in the order the deployments were made (by id), of every time:
// what happened after the window's changes decides whether they failed.
DoraReport compute_dora(const std::vector<DoraDeployment>& history, store::TimeMs from, store::TimeMs to);

}  // namespace slipway::deploy
