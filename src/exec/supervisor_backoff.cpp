#include "exec/supervisor_backoff.h"

#include <algorithm>

namespace slipway::exec {

SupervisorBackoff::SupervisorBackoff(const InstanceSpec& spec)
    : initial_(spec.backoff_initial),
      max_(spec.backoff_max),
      stable_after_(spec.stable_after),
      max_restarts_(spec.max_restarts) {}

std::optional<std::chrono::milliseconds> SupervisorBackoff::after_exit(std::chrono::milliseconds uptime) {
  std::chrono::milliseconds delay = std::max(initial_, std::chrono::milliseconds(0));
  if (uptime >= stable_after_) {
    quick_failures_ = 0;
    return std::min(delay, max_);
  }
  if (++quick_failures_ >= max_restarts_) return std::nullopt;
  for (int i = 1; i < quick_failures_ && delay < max_; ++i)
    delay *= 2;  // stops doubling at the cap: no overflow
  return std::min(delay, max_);
}

}  // namespace slipway::exec
