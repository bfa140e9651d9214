// GET /api/v1/deliveries?project=APP[&run=ID|&deployment=ID][&limit=N]: the
// outbox (commit statuses, deployment notifications) and where each stands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

// SEGMENTS is the path after /api/v1. Nothing when it is not this route.
std::optional<Response> handle_delivery_api(ServerContext& context, const Request& request,
                                            const std::vector<std::string>& segments);

}  // namespace slipway::http
