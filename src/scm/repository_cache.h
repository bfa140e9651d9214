// Open repositories kept for reuse: opening one with libgit2 reads its config
// and refs, which costs more than the lookups a trigger or a run then makes.
// libgit2 re-reads refs and object packs that other processes (git
// http-backend, git fetch) change, so a kept handle stays current.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "scm/git_repository.h"
#include "util/expected.h"

namespace slipway::scm {

class RepositoryCache {
 public:
  // The bare repository at PATH, opened on first use (and created when
  // CREATE and missing). The pointer stays valid until forget(PATH).
  util::Expected<GitRepository*> bare(const std::string& path, bool create = false);
  void forget(const std::string& path);

 private:
  std::map<std::string, std::unique_ptr<GitRepository>> repositories_;
};

}  // namespace slipway::scm
