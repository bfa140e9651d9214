// GET /metrics: the daemon's state for Prometheus, in its text format. Run and
// deployment counts and durations come from the store at scrape time (one
// aggregate query per family), so they need no state here and survive restarts;
// request counts come from the server's RequestMetrics. Needs a viewer token.
#pragma once

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

Response handle_metrics(ServerContext& context, const Request& request);

}  // namespace slipway::http
