#include "util/strings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

namespace slipway::util {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto pos = text.find(separator, start);
    if (pos == std::string_view::npos) {
      parts.emplace_back(text.substr(start));
      return parts;
    }
    parts.emplace_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string url_decode(std::string_view text, bool form) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex(text[i + 1]);
      int lo = hex(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (form && c == '+') ? ' ' : c;
  }
  return out;
}

bool parse_uint(std::string_view text, unsigned long long& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::vector<std::string> unique_environment(std::vector<std::string> env) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (auto it = env.rbegin(); it != env.rend(); ++it) {
    if (seen.insert(it->substr(0, it->find('='))).second) out.push_back(std::move(*it));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string mask_secrets(std::string_view text, const std::vector<std::string>& secrets) {
  // Longest first: a secret that contains another is masked whole.
  std::vector<const std::string*> order;
  for (const auto& secret : secrets) order.push_back(&secret);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->size() > b->size(); });
  std::string out(text);
  for (const auto* each : order) {
    const std::string& secret = *each;
    if (secret.empty()) continue;
    for (auto at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 4)) {
      out.replace(at, secret.size(), "****");
    }
  }
  return out;
}

}  // namespace slipway::util
