// The API calls the dashboard is made of, beside the REST resources:
// /overview (every project with its newest run and what is live where) and
// /dora (the DORA metrics over a window, from the deployment history).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

// SEGMENTS is the path after /api/v1. Nothing when it is not one of these routes.
std::optional<Response> handle_dashboard_api(ServerContext& context, const Request& request,
                                             const std::vector<std::string>& segments);

}  // namespace slipway::http
