// Small string helpers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slipway::util {

std::vector<std::string> split(std::string_view text, char separator);
std::string_view trim(std::string_view text);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string to_lower(std::string_view text);
// ENV ("NAME=VALUE" entries) with each name once, keeping its last value:
// programs disagree on which of two duplicates counts.
std::vector<std::string> unique_environment(std::vector<std::string> env);
// TEXT with each occurrence of every non-empty SECRET replaced by "****".
std::string mask_secrets(std::string_view text, const std::vector<std::string>& secrets);
// Decodes %XX escapes (and '+' as space when FORM is true).
std::string url_decode(std::string_view text, bool form = false);
// Parses a non-negative decimal integer; false on anything else (overflow included).
bool parse_uint(std::string_view text, unsigned long long& out);

}  // namespace slipway::util
