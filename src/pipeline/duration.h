// Durations as written in slipway.yml: `500ms`, `30s`, `10m`, `2h`, `1h30m`.
#pragma once

#include <chrono>
#include <string_view>

#include "util/expected.h"

namespace slipway::pipeline {

using Milliseconds = std::chrono::milliseconds;

// The longest duration a file may ask for: a timeout beyond that is a mistake, not a plan.
inline constexpr Milliseconds max_duration = std::chrono::hours(24 * 7);

// Whether `0s` is acceptable: a timeout of zero is a mistake, a drain of zero is a choice.
enum class ZeroDuration { rejected, allowed };

// Parses one or more NUMBER UNIT parts (units ms, s, m, h, largest first, each at most once).
// A bare number is an error: `timeout: 30` could mean seconds or minutes, so the file must say.
util::Expected<Milliseconds> parse_duration(std::string_view text,
                                            ZeroDuration zero = ZeroDuration::rejected);

}  // namespace slipway::pipeline
