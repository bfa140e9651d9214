// The text handling of `slipway app logs`: an app's processes each have their own
// log whose lines start with an RFC 3339 time ("2026-11-26T10:00:00.123Z web.1 | ..."),
// shown as one stream in time order; growing logs cut into whole lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::cli {

// The lines of TEXT without their '\n'; a last line without one counts too.
std::vector<std::string> split_lines(std::string_view text);

// The last COUNT of LINES.
std::vector<std::string> last_lines(std::vector<std::string> lines, std::size_t count);

// TEXT without its first line: for a tail of a log that starts mid-line.
std::string_view without_first_line(std::string_view text);

// LOGS (each one process's lines, in order) as one sequence ordered by the time each
// line starts with. The order within a log is kept; a line without a time (a
// continuation) keeps to the line before it; equal times keep the order of LOGS.
std::vector<std::string> merge_by_timestamp(const std::vector<std::vector<std::string>>& logs);

// Cuts text that arrives in pieces into whole lines, holding back an unfinished one.
class LineBuffer {
 public:
  std::vector<std::string> feed(std::string_view text);
  // Forgets the unfinished line (the log was truncated and starts over).
  void reset() { partial_.clear(); }

 private:
  std::string partial_;
};

}  // namespace slipway::cli
