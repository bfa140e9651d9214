// Parsing and checking of KEY=VALUE and PROCESS=COUNT arguments.
#include "cli/assignments.h"

#include <fmt/format.h>

#include "cli/command_context.h"
#include "cli/human_format.h"
#include "util/strings.h"

namespace slipway::cli {

namespace {

bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_config_key(std::string_view key) {
  if (key.empty() || !(is_letter(key[0]) || key[0] == '_')) return false;
  for (char c : key) {
    if (!is_letter(c) && !is_digit(c) && c != '_') return false;
  }
  return true;
}

bool is_process_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_letter(c) && !is_digit(c) && c != '_' && c != '-') return false;
  }
  return true;
}

void check_config_keys(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    if (!is_config_key(key)) {
      throw UsageError(fmt::format(
          "'{}' is not a valid config key: letters, digits and '_', not starting with a digit",
          printable(key)));
    }
  }
}

std::vector<std::pair<std::string, std::string>> parse_config_assignments(const std::vector<std::string>& args) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& arg : args) {
    auto equals = arg.find('=');
    if (equals == std::string::npos) {
      throw UsageError(fmt::format("'{}' is not KEY=VALUE", printable(arg)));
    }
    std::string key = arg.substr(0, equals);
    check_config_keys({key});
    out.emplace_back(std::move(key), arg.substr(equals + 1));
  }
  return out;
}

std::vector<std::pair<std::string, int>> parse_scale_assignments(const std::vector<std::string>& args) {
  std::vector<std::pair<std::string, int>> out;
  for (const std::string& arg : args) {
    auto equals = arg.find('=');
    std::string name = arg.substr(0, equals);
    unsigned long long count = 0;
    if (equals == std::string::npos || !is_process_name(name) ||
        !util::parse_uint(std::string_view(arg).substr(equals + 1), count)) {
      throw UsageError(fmt::format("'{}' is not PROCESS=COUNT (web=2)", printable(arg)));
    }
    if (count > static_cast<unsigned long long>(kMaxProcessCount)) {
      throw UsageError(fmt::format("{}: at most {} instances per process", printable(arg), kMaxProcessCount));
    }
    out.emplace_back(std::move(name), static_cast<int>(count));
  }
  return out;
}

}  // namespace slipway::cli
