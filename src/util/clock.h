// Wall-clock time as Slipway records it: milliseconds since the Unix epoch,
// shown as RFC 3339 UTC.
#pragma once

#include <cstdint>
#include <string>

namespace slipway::util {

std::int64_t now_ms();
std::string format_rfc3339(std::int64_t epoch_ms);  // "2026-01-02T03:04:05.678Z"

}  // namespace slipway::util
