// Where the daemon is: the `http://host:port[/prefix]` URL the client is given,
// split into what a connection and a request target need.
#pragma once

#include <string>
#include <string_view>

#include "util/expected.h"

namespace slipway::cli {

struct ServerUrl {
  std::string host;    // without IPv6 brackets, ready for the resolver
  std::string port;    // "80" when the URL names none
  std::string prefix;  // path the daemon is mounted under, without a trailing '/'; often empty
  std::string text;    // as given, for messages

  // The Host header: host[:port] exactly as a browser would send it.
  std::string host_header() const;
};

// Parses "http://host[:port][/prefix]"; "host:port" without a scheme is taken as http.
// https is refused: the daemon speaks plain HTTP and belongs behind a TLS proxy.
util::Expected<ServerUrl> parse_server_url(std::string_view url);

// Percent-encodes everything but RFC 3986 unreserved characters, so a branch
// name such as "release/1.0" or a project name stays one path segment or query value.
std::string url_encode(std::string_view text);

}  // namespace slipway::cli
