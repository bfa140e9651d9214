// The CD half of the REST API: /apps/... (apps, releases, deployments,
// deploy, rollback, config, formation, domains, app logs) and
// /deployments/... (one deployment, its log).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

// SEGMENTS is the path after /api/v1, split at '/'. Returns nothing when the
// path is not one of these routes. Throws HttpError.
std::optional<Response> handle_app_api(ServerContext& context, const Request& request,
                                       const std::vector<std::string>& segments);

}  // namespace slipway::http
