// Dashboard sign-in: POST /api/v1/session exchanges a token for an HttpOnly
// session cookie, GET tells the page who it is (and its CSRF token), DELETE
// signs out.
#pragma once

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

Response handle_session(ServerContext& context, const Request& request);

}  // namespace slipway::http
