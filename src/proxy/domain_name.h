// Domain names that users attach to an app ("example.test", "*.example.test").
// They end up in nginx's configuration, so anything that is not a plain RFC 1123
// host name is refused here, with a message that says what is wrong.
#pragma once

#include <string>
#include <string_view>

#include "util/expected.h"

namespace slipway::proxy {

// Returns the name in lower case when it is a host name: labels of 1-63
// letters, digits and '-' (not first or last), separated by single dots, at
// least two labels, at most 253 characters. The first label may be '*' (a
// wildcard for every subdomain).
util::Expected<std::string> validate_domain(std::string_view text);

// TEXT with control and non-ASCII bytes written as \xNN, for error messages
// that quote a value that came from outside.
std::string printable(std::string_view text);

}  // namespace slipway::proxy
