// Procfile parsing: every line is blank, a comment, or `name: command`; all problems are reported.
#include "pipeline/procfile.h"

#include <algorithm>
#include <unordered_map>

#include "pipeline/quoted.h"
#include "util/strings.h"

namespace slipway::pipeline {

namespace {

constexpr std::size_t max_file_size = std::size_t{1024} * 1024;
// Process type names become parts of unit and file names; Heroku's own limit is similar.
constexpr std::size_t max_name_length = 63;
// Past this many problems the rest is noise.
constexpr std::size_t max_reported_errors = 100;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

util::Expected<std::vector<ProcessType>> parse_procfile(std::string_view text, std::string_view file_name) {
  std::vector<std::string> errors;
  std::size_t error_count = 0;
  std::string first_unreported;  // "FILE:LINE:COL: " of the first problem past the limit
  auto error = [&](int line, std::size_t column, const std::string& message) {
    std::string location =
        std::string(file_name) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    if (++error_count > max_reported_errors) {
      if (first_unreported.empty()) first_unreported = location;
      return;
    }
    errors.push_back(location + message);
  };
  if (text.size() > max_file_size) {
    error(1, 1, "file is too large: " + std::to_string(text.size()) + " bytes (at most 1 MiB)");
    return util::unexpected(errors.front());
  }

  std::vector<ProcessType> processes;
  std::unordered_map<std::string_view, int> line_of;  // views into TEXT
  int line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // files edited on Windows

    std::size_t indent = 0;
    while (indent < line.size() && is_blank(line[indent])) ++indent;
    if (indent == line.size() || line[indent] == '#') continue;

    std::size_t colon = line.find(':', indent);
    if (colon == std::string_view::npos) {
      error(line_number, indent + 1, "expected 'name: command'");
      continue;
    }
    std::string_view name = line.substr(indent, colon - indent);
    if (name.empty()) {
      error(line_number, indent + 1, "missing process type name before ':'");
      continue;
    }
    if (!std::all_of(name.begin(), name.end(), is_name_char)) {
      error(line_number, indent + 1,
            "invalid process type name " + quoted(name) + ": use letters, digits, '_' and '-'");
      continue;
    }
    if (name.size() > max_name_length) {
      error(line_number, indent + 1, "process type name is too long (at most 63 characters)");
      continue;
    }
    std::string_view command = util::trim(line.substr(colon + 1));
    if (command.empty()) {
      error(line_number, colon + 2, "empty command for process type " + quoted(name));
      continue;
    }
    if (auto [previous, inserted] = line_of.emplace(name, line_number); !inserted) {
      error(line_number, indent + 1,
            "duplicate process type " + quoted(name) + " (first defined on line " +
                std::to_string(previous->second) + ")");
      continue;
    }
    processes.push_back({std::string(name), std::string(command), line_number});
  }
  if (errors.empty() && processes.empty()) error(1, 1, "no process types defined");
  if (error_count > max_reported_errors) {
    errors.push_back(first_unreported + "too many errors; " +
                     std::to_string(error_count - max_reported_errors) + " more not shown");
  }
  if (!errors.empty()) return util::unexpected(util::join(errors, "\n"));
  return processes;
}

}  // namespace slipway::pipeline
