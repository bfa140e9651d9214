// When a supervised app is started again after it exited: after a delay that
// starts at backoff_initial and doubles with each quick failure in a row (up
// to backoff_max), and not at all once max_restarts quick failures happened in
// a row. A run that lasted stable_after or longer is not a quick failure and
// clears the count.
#pragma once

#include <chrono>
#include <optional>

#include "exec/instance_spec.h"

namespace slipway::exec {

class SupervisorBackoff {
 public:
  explicit SupervisorBackoff(const InstanceSpec& spec);

  // The app exited after running for UPTIME (any exit counts: a server is not
  // meant to end). Returns the delay before starting it again, or nothing
  // when it has failed quickly max_restarts times in a row (it has crashed).
  std::optional<std::chrono::milliseconds> after_exit(std::chrono::milliseconds uptime);

  int quick_failures() const { return quick_failures_; }

 private:
  std::chrono::milliseconds initial_, max_, stable_after_;
  int max_restarts_;
  int quick_failures_ = 0;
};

}  // namespace slipway::exec
