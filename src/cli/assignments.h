// The NAME=VALUE arguments of `slipway config set` (KEY=VALUE) and `slipway ps scale`
// (PROCESS=COUNT), checked before anything is sent so a typo is a usage error
// that names the argument, not a half-applied change.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slipway::cli {

// An environment variable name: ^[A-Za-z_][A-Za-z0-9_]*$.
bool is_config_key(std::string_view key);

// A Procfile process name: letters, digits, '_' and '-'.
bool is_process_name(std::string_view name);

inline constexpr int kMaxProcessCount = 20;

// "KEY=VALUE" arguments in order; the value is everything after the first '='
// and may be empty. Throws UsageError naming the first bad argument.
std::vector<std::pair<std::string, std::string>> parse_config_assignments(const std::vector<std::string>& args);

// KEY arguments of `config get|unset`; throws UsageError for a bad one.
void check_config_keys(const std::vector<std::string>& keys);

// "PROCESS=COUNT" arguments, COUNT in 0..kMaxProcessCount. Throws UsageError.
std::vector<std::pair<std::string, int>> parse_scale_assignments(const std::vector<std::string>& args);

}  // namespace slipway::cli
