// Parsing of `[user@]host[:port]` addresses; see host_address.h.
#include "pipeline/host_address.h"

#include <algorithm>

#include "util/strings.h"

namespace slipway::pipeline {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_';
}

bool is_ipv6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

}  // namespace

util::Expected<HostAddress> parse_host_address(std::string_view text, UserPart user_part) {
  if (text.empty()) return util::unexpected("is empty");
  bool bad_char = std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= ' ' || byte == 0x7f;
  });
  if (bad_char) return util::unexpected("contains a space or control character");
  if (text.front() == '-') return util::unexpected("may not start with '-'");

  HostAddress address;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    if (user_part == UserPart::forbidden) return util::unexpected("may not contain a user ('@')");
    std::string_view user = rest.substr(0, at);
    if (user.empty()) return util::unexpected("has an empty user before '@'");
    if (!std::all_of(user.begin(), user.end(), is_name_char)) {
      return util::unexpected("has an invalid user: use letters, digits, '.', '_' and '-'");
    }
    address.user = std::string(user);
    rest.remove_prefix(at + 1);
  }

  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return util::unexpected("has an IPv6 address without a closing ']'");
    std::string_view ip = rest.substr(1, close - 1);
    if (ip.empty() || !std::all_of(ip.begin(), ip.end(), is_ipv6_char)) {
      return util::unexpected("has an invalid IPv6 address");
    }
    address.host = std::string(ip);
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return util::unexpected("has text after the IPv6 address");
      port = rest.substr(1);
      if (port.empty()) return util::unexpected("has an empty port after ':'");
    }
  } else {
    auto colon = rest.find(':');
    std::string_view host = rest.substr(0, colon);
    if (host.empty()) return util::unexpected("has no host");
    if (host.front() == '-' || host.front() == '.' || !std::all_of(host.begin(), host.end(), is_name_char)) {
      return util::unexpected("has an invalid host name: use letters, digits, '.', '_' and '-'");
    }
    address.host = std::string(host);
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      if (port.empty()) return util::unexpected("has an empty port after ':'");
    }
  }
  if (!port.empty()) {
    unsigned long long number = 0;
    if (!util::parse_uint(port, number) || number < 1 || number > 65535) {
      return util::unexpected("has an invalid port: use a number from 1 to 65535");
    }
    address.port = static_cast<int>(number);
  }
  return address;
}

}  // namespace slipway::pipeline
