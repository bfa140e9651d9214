// Splitting, tailing and time-ordered merging of app log lines.
#include "cli/log_merge.h"

#include <cstdint>
#include <limits>
#include <optional>

#include "cli/human_format.h"

namespace slipway::cli {

namespace {

// The time at the start of LINE, if it starts with one.
std::optional<std::int64_t> line_time(std::string_view line) {
  return parse_timestamp(line.substr(0, line.find(' ')));
}

struct TimedLines {
  std::vector<std::int64_t> times;
  const std::vector<std::string>* lines;
  std::size_t next = 0;
};

}  // namespace

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    auto newline = text.find('\n');
    if (newline == std::string_view::npos) {
      lines.emplace_back(text);
      break;
    }
    lines.emplace_back(text.substr(0, newline));
    text.remove_prefix(newline + 1);
  }
  return lines;
}

std::vector<std::string> last_lines(std::vector<std::string> lines, std::size_t count) {
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
  return lines;
}

std::string_view without_first_line(std::string_view text) {
  auto newline = text.find('\n');
  return newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
}

std::vector<std::string> merge_by_timestamp(const std::vector<std::vector<std::string>>& logs) {
  std::vector<TimedLines> sources;
  std::size_t total = 0;
  for (const auto& lines : logs) {
    TimedLines source{{}, &lines};
    std::int64_t previous = std::numeric_limits<std::int64_t>::min();
    for (const std::string& line : lines) {
      // Times only grow within a log; a clock stepping back must not reorder it.
      if (auto time = line_time(line); time && *time > previous) previous = *time;
      source.times.push_back(previous);
    }
    total += lines.size();
    sources.push_back(std::move(source));
  }

  std::vector<std::string> merged;
  merged.reserve(total);
  while (merged.size() < total) {
    TimedLines* earliest = nullptr;
    for (TimedLines& source : sources) {
      if (source.next == source.lines->size()) continue;
      if (earliest == nullptr || source.times[source.next] < earliest->times[earliest->next]) earliest = &source;
    }
    merged.push_back((*earliest->lines)[earliest->next++]);
  }
  return merged;
}

std::vector<std::string> LineBuffer::feed(std::string_view text) {
  partial_.append(text);
  auto last_newline = partial_.rfind('\n');
  if (last_newline == std::string::npos) return {};
  std::vector<std::string> lines = split_lines(std::string_view(partial_).substr(0, last_newline + 1));
  partial_.erase(0, last_newline + 1);
  return lines;
}

}  // namespace slipway::cli
