// Host addresses written in slipway.yml: `user@host[:port]` for ssh targets, `host[:port]` for
// registries. Parsed here so that the deploy layer gets the parts, never a string to split again.
#pragma once

#include <string>
#include <string_view>

#include "util/expected.h"

namespace slipway::pipeline {

struct HostAddress {
  std::string user;  // empty: ssh's default
  std::string host;  // a name, an IPv4 address, or an IPv6 address without its brackets
  int port = 0;      // 0: the protocol's default
};

enum class UserPart { allowed, forbidden };

// Refuses anything that could be read as an option (a leading '-') or split into several
// arguments (spaces, control characters); the error says what is wrong with TEXT.
util::Expected<HostAddress> parse_host_address(std::string_view text, UserPart user_part = UserPart::allowed);

}  // namespace slipway::pipeline
