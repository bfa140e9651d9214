// The REST API under /api/v1: projects, runs, step logs, tokens. Event streams
// are handed to RunEventStream.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <optional>
#include <string>

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

// Handles REQUEST (whose path starts with /api/v1). Returns nothing when it
// took the connection over (an event stream). Throws HttpError.
// Queues a manual run of REF (branch, tag or commit) of PROJECT. Throws HttpError.
store::Run start_manual_run(ServerContext& context, const store::Project& project, const std::string& ref);

std::optional<Response> handle_api(ServerContext& context, Request& request, boost::beast::tcp_stream& stream);

}  // namespace slipway::http
