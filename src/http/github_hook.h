// POST /hooks/github/NAME: a GitHub push webhook for a project whose source
// is a remote repository.
#pragma once

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

Response handle_github_hook(ServerContext& context, const Request& request, const std::string& project_name);

}  // namespace slipway::http
