// The API paths of an app's resources, its name URL-encoded: "/apps/NAME" + WHAT.
#pragma once

#include <string>
#include <string_view>

#include "cli/server_url.h"

namespace slipway::cli {

inline std::string app_path(std::string_view app, std::string_view what = "") {
  return "/apps/" + url_encode(app) + std::string(what);
}

}  // namespace slipway::cli
