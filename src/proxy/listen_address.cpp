#include "proxy/listen_address.h"

#include <fmt/format.h>

#include "proxy/domain_name.h"
#include "util/strings.h"

namespace slipway::proxy {

namespace {

util::Unexpected invalid(std::string_view text, std::string_view why) {
  return util::unexpected(fmt::format("invalid listen address '{}': {}", printable(text), why));
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool is_ipv6_char(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' || c == '.';
}

}  // namespace

std::string ListenAddress::nginx_text() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::string ListenAddress::connect_host() const {
  if (host == "*" || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "::1";
  return host;
}

util::Expected<ListenAddress> parse_listen_address(std::string_view text) {
  ListenAddress address;
  std::string_view port_text = text;
  std::string_view host = "*";
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return invalid(text, "an IPv6 address is written as [ADDRESS]:PORT");
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    if (host.empty()) return invalid(text, "empty address");
    for (char c : host) {
      if (!is_ipv6_char(c)) return invalid(text, "not an IPv6 address");
    }
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.empty()) return invalid(text, "empty address before ':'");
    if (host != "*") {
      for (char c : host) {
        if (!is_host_char(c)) return invalid(text, "expected ADDRESS:PORT, [IPv6]:PORT or PORT");
      }
      if (host.front() == '-') return invalid(text, "the address must not start with '-'");
    }
  }
  unsigned long long port = 0;
  if (!util::parse_uint(port_text, port) || port == 0 || port > 65535) {
    return invalid(text, "the port must be a number from 1 to 65535");
  }
  address.host = std::string(host);
  address.port = static_cast<int>(port);
  return address;
}

}  // namespace slipway::proxy
