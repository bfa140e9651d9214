// How the client shows times, durations, commits and text that came from outside
// (commit messages, step names) to a person reading a terminal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slipway::cli {

// Milliseconds since the Unix epoch from the API's RFC 3339 UTC timestamps
// ("2026-11-26T07:01:02.345Z"); nullopt for anything else (the API's null included).
std::optional<std::int64_t> parse_timestamp(std::string_view text);

// "0.4s", "12.3s", "3m04s", "2h05m", "3d04h"; "-" for a negative duration.
std::string format_duration(std::int64_t ms);

// "just now", "42s ago", "2m ago", "3h ago", "5d ago", then the date ("2026-11-26").
std::string format_age(std::int64_t then_ms, std::int64_t now_ms);

// The first 7 characters, as git shows commits.
std::string short_commit(std::string_view commit);

// TEXT with control characters (escape sequences included) shown as '?', so a
// commit message cannot move the cursor or recolour the terminal.
std::string printable(std::string_view text);

}  // namespace slipway::cli
