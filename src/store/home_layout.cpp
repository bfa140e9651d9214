#include "store/home_layout.h"

#include <filesystem>
#include <system_error>

#include "util/error.h"

namespace slipway::store {

HomeLayout::HomeLayout(std::string home) : home_(std::filesystem::absolute(home).lexically_normal().string()) {
  while (home_.size() > 1 && home_.back() == '/') home_.pop_back();
}

void HomeLayout::create_directories() const {
  for (const auto& dir : {home_, repos_dir(), workspaces_dir(), logs_dir(), logs_dir() + "/deployments", releases_dir(),
                          apps_dir()}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw util::Error("create " + dir + ": " + ec.message());
  }
}

}  // namespace slipway::store
