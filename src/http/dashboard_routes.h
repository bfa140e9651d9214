// The dashboard: GET / (the page) and /assets/NAME (its script and styles),
// from the files built into the binary. The page reads everything else from
// the API with the session cookie.
#pragma once

#include <optional>

#include "http/request.h"

namespace slipway::http {

// The answer for a dashboard path; nothing when PATH is not one.
std::optional<Response> handle_dashboard(const Request& request);

}  // namespace slipway::http
