#include "scm/repository_cache.h"

#include <filesystem>

namespace slipway::scm {

util::Expected<GitRepository*> RepositoryCache::bare(const std::string& path, bool create) {
  auto it = repositories_.find(path);
  if (it != repositories_.end()) return it->second.get();
  if (!create && !std::filesystem::exists(path)) return util::unexpected("no git repository at " + path);
  auto opened = GitRepository::open_or_init_bare(path);
  if (!opened) return util::unexpected(opened.error());
  auto owned = std::make_unique<GitRepository>(std::move(opened.value()));
  GitRepository* repo = owned.get();
  repositories_.emplace(path, std::move(owned));
  return repo;
}

void RepositoryCache::forget(const std::string& path) { repositories_.erase(path); }

}  // namespace slipway::scm
