// Parsing of the daemon's URL and percent-encoding of request targets.
#include "cli/server_url.h"

#include <fmt/format.h>

#include "util/strings.h"

namespace slipway::cli {

std::string ServerUrl::host_header() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == "80" ? name : name + ":" + port;
}

util::Expected<ServerUrl> parse_server_url(std::string_view url) {
  ServerUrl out;
  out.text = std::string(url);
  std::string_view rest = util::trim(url);
  if (auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    std::string scheme = util::to_lower(rest.substr(0, scheme_end));
    if (scheme == "https") {
      return util::unexpected(
          fmt::format("{}: https is not supported by the client yet; use the daemon's http:// address", url));
    }
    if (scheme != "http") return util::unexpected(fmt::format("{}: not an http:// URL", url));
    rest.remove_prefix(scheme_end + 3);
  }

  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::string_view path = rest.substr(authority.size());
  if (path.find_first_of("?#") != std::string_view::npos) {
    return util::unexpected(fmt::format("{}: a query or fragment makes no sense in the server URL", url));
  }
  if (authority.find('@') != std::string_view::npos) {
    return util::unexpected(fmt::format("{}: put the token in --token, not in the URL", url));
  }

  std::string_view port;
  if (authority.starts_with('[')) {  // [::1]:7300
    auto close = authority.find(']');
    if (close == std::string_view::npos) return util::unexpected(fmt::format("{}: unclosed '['", url));
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return util::unexpected(fmt::format("{}: bad host", url));
      port = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return util::unexpected(fmt::format("{}: no host", url));

  if (port.empty()) {
    out.port = "80";
  } else {
    unsigned long long number = 0;
    if (!util::parse_uint(port, number) || number == 0 || number > 65535) {
      return util::unexpected(fmt::format("{}: bad port '{}'", url, port));
    }
    out.port = std::to_string(number);
  }

  while (path.ends_with('/')) path.remove_suffix(1);
  out.prefix = std::string(path);
  return out;
}

std::string url_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace slipway::cli
