// Server-Sent Events framing, and the cursor that makes a run's event stream
// resumable: the log offset reached in each step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::http {

// One event in text/event-stream form. DATA may hold newlines: each line
// becomes its own `data:` field, as the format requires.
std::string format_sse_event(std::string_view event, std::string_view data, std::string_view id = {});
std::string format_sse_comment(std::string_view text);

// "o=12,400,0" <-> {12, 400, 0}
std::string encode_log_cursor(const std::vector<std::uint64_t>& offsets);
std::optional<std::vector<std::uint64_t>> decode_log_cursor(std::string_view cursor);

}  // namespace slipway::http
