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
// Decodes %XX escapes (and '+' as space when FORM is true).
std::string url_decode(std::string_view text, bool form = false);
// Parses a non-negative decimal integer; false on anything else (overflow included).
bool parse_uint(std::string_view text, unsigned long long& out);

}  // namespace slipway::util
