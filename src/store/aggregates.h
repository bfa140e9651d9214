// What the store counts for monitoring (GET /metrics): runs and deployments
// per status, and durations counted into histogram buckets. Computed by the
// database when asked, so they need no state in the daemon and survive restarts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/records.h"

namespace slipway::store {

// How many runs (or deployments) of a project (and environment) have STATUS.
struct StatusCount {
  std::string project;
  std::string environment;  // deployments only
  std::string status;
  std::int64_t count = 0;
};

// Durations of one project (and environment): cumulative[i] of them took at
// most bounds_ms[i] (the bounds the caller asked for), count in all.
struct DurationCounts {
  std::string project;
  std::string environment;  // deployments only
  std::vector<std::int64_t> cumulative;
  std::int64_t count = 0;
  TimeMs sum_ms = 0;
};

}  // namespace slipway::store
