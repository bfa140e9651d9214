// Formatting of times, durations and outside text for people.
#include "cli/human_format.h"

#include <fmt/format.h>

#include <ctime>

#include "util/strings.h"

namespace slipway::cli {

namespace {

bool read_number(std::string_view text, std::size_t pos, std::size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  unsigned long long value = 0;
  if (!util::parse_uint(text.substr(pos, digits), value)) return false;
  out = static_cast<int>(value);
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  std::tm tm{};
  int year = 0, month = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  if (!read_number(text, 0, 4, year) || !read_number(text, 5, 2, month) ||
      !read_number(text, 8, 2, tm.tm_mday) || !read_number(text, 11, 2, tm.tm_hour) ||
      !read_number(text, 14, 2, tm.tm_min) || !read_number(text, 17, 2, tm.tm_sec)) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;

  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (text[pos] == '.') {
    ++pos;
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += static_cast<std::int64_t>(text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  if (pos + 1 != text.size() || (text[pos] != 'Z' && text[pos] != 'z')) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis;
}

std::string format_duration(std::int64_t ms) {
  if (ms < 0) return "-";
  if (ms < 60'000) return fmt::format("{}.{}s", ms / 1000, ms % 1000 / 100);
  std::int64_t seconds = ms / 1000;
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("{}h{:02}m", seconds / 3600, seconds % 3600 / 60);
  return fmt::format("{}d{:02}h", seconds / 86400, seconds % 86400 / 3600);
}

std::string format_age(std::int64_t then_ms, std::int64_t now_ms) {
  std::int64_t seconds = (now_ms - then_ms) / 1000;
  if (seconds < 5) return "just now";  // clock skew may put THEN slightly ahead too
  if (seconds < 60) return fmt::format("{}s ago", seconds);
  if (seconds < 3600) return fmt::format("{}m ago", seconds / 60);
  if (seconds < 86400) return fmt::format("{}h ago", seconds / 3600);
  if (seconds < std::int64_t{30} * 86400) return fmt::format("{}d ago", seconds / 86400);
  std::time_t then = static_cast<std::time_t>(then_ms / 1000);
  std::tm tm{};
  gmtime_r(&then, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string short_commit(std::string_view commit) { return std::string(commit.substr(0, 7)); }

std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) c = '?';
  }
  return out;
}

}  // namespace slipway::cli
