// The address Slipway's nginx listens on, given as a setting: "127.0.0.1:8080",
// "[::1]:8080", "*:8080", "localhost:8080" or just "8080" (every address).
// Parsed once so that the configuration and the readiness check agree on it.
#pragma once

#include <string>
#include <string_view>

#include "util/expected.h"

namespace slipway::proxy {

struct ListenAddress {
  std::string host;  // an IPv4 address, an IPv6 address without brackets, a host name, or "*"
  int port = 0;

  // The argument of nginx's `listen` directive.
  std::string nginx_text() const;
  // Where a client on this machine connects to reach it ("*" and the
  // unspecified addresses mean loopback).
  std::string connect_host() const;
};

// Refuses anything but letters, digits, '.', '-', ':' and '*' in the host, and
// ports outside 1-65535.
util::Expected<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace slipway::proxy
