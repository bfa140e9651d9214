#include "proxy/domain_name.h"

#include <fmt/format.h>

#include "util/strings.h"

namespace slipway::proxy {

namespace {

constexpr std::size_t max_domain_length = 253;
constexpr std::size_t max_label_length = 63;

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

util::Unexpected invalid(std::string_view text, std::string_view why) {
  return util::unexpected(fmt::format("invalid domain '{}': {}", printable(text), why));
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

util::Expected<std::string> validate_domain(std::string_view text) {
  if (text.empty()) return invalid(text, "it is empty");
  std::string name = util::to_lower(text);
  for (char c : name) {
    if (!is_label_char(c) && c != '.' && c != '*') {
      return invalid(text, "only letters, digits, '-' and '.' are allowed");
    }
  }
  if (name.size() > max_domain_length) {
    return invalid(text, fmt::format("longer than {} characters", max_domain_length));
  }
  if (name.back() == '.') return invalid(text, "it must not end with '.'");

  auto labels = util::split(name, '.');
  if (labels.size() < 2) return invalid(text, "it needs at least two labels, as in 'app.example.com'");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i];
    if (label.empty()) return invalid(text, "empty label (two dots in a row, or a leading dot)");
    if (label.find('*') != std::string::npos) {
      if (i != 0 || label != "*") {
        return invalid(text, "'*' is only allowed as the whole first label, as in '*.example.com'");
      }
      continue;
    }
    if (label.size() > max_label_length) {
      return invalid(text, fmt::format("label '{}' is longer than {} characters", label, max_label_length));
    }
    if (label.front() == '-' || label.back() == '-') {
      return invalid(text, fmt::format("label '{}' must not start or end with '-'", label));
    }
  }
  return name;
}

}  // namespace slipway::proxy
