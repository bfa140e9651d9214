// A git repository opened in-process with libgit2: the bare repositories that
// Slipway hosts or mirrors, and the per-run workspaces checked out from them.
#pragma once

#include <git2.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "util/expected.h"

namespace slipway::scm {

// Initialises libgit2 for the life of the object; create one in main().
class GitLibrary {
 public:
  GitLibrary();
  ~GitLibrary();
  GitLibrary(const GitLibrary&) = delete;
  GitLibrary& operator=(const GitLibrary&) = delete;
};

struct CommitInfo {
  std::string id;       // 40 hex
  std::string summary;  // first line of the message
  std::int64_t time_ms = 0;
};

class GitRepository {
 public:
  // Opens the bare repository at PATH, creating it when missing.
  static util::Expected<GitRepository> open_or_init_bare(const std::string& path);
  static util::Expected<GitRepository> open(const std::string& path);

  // refs/heads/NAME -> commit id, for every branch.
  std::map<std::string, std::string> branch_heads() const;
  // A branch, tag or (abbreviated) commit id -> the commit, or nothing.
  std::optional<CommitInfo> resolve(const std::string& ref) const;
  // The file at PATH in COMMIT's tree, or nothing when absent. Throws on other errors.
  std::optional<std::string> read_file(const std::string& commit, const std::string& path) const;

  // Makes DIR a fresh checkout of COMMIT on a local branch BRANCH (detached when
  // BRANCH is not a valid branch name). The objects stay in this repository
  // (git's "alternates"), so only the work tree is written.
  void checkout_into(const std::string& commit, const std::string& branch, const std::string& dir) const;

  const std::string& path() const { return path_; }

 private:
  struct Free {
    void operator()(git_repository* repo) const { git_repository_free(repo); }
  };
  std::unique_ptr<git_repository, Free> repo_;
  std::string path_;
};

// Throws util::Error with libgit2's last error when RC < 0.
void check_git(int rc, const std::string& what);

}  // namespace slipway::scm
