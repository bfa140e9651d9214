// POST /hooks/FORGE/NAME: a push webhook from GitHub, GitLab or Gitea/Forgejo
// for a project whose source is a remote repository.
#pragma once

#include <string_view>

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

// ROUTE is what follows /hooks/: "FORGE/NAME".
Response handle_forge_hook(ServerContext& context, const Request& request, std::string_view route);

}  // namespace slipway::http
