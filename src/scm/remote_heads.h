// What `git ls-remote` says about a remote repository, and which of its heads
// changed since the last look: the pure half of polling (scheduler/remote_poller.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::scm {

// The environment for git talking to a source repository (fetch, ls-remote): BASE plus what
// keeps git from ever waiting for a password on a terminal the daemon does not have.
std::vector<std::string> remote_git_env(std::vector<std::string> base);

// ref -> commit id (40 hex), for refs/heads/* and refs/tags/*; an annotated tag maps to the
// commit it points at (its peeled `^{}` line). Lines that are not "ID<TAB>REF" are ignored.
using RemoteHeads = std::map<std::string, std::string>;
RemoteHeads parse_ls_remote(std::string_view output);

struct HeadUpdate {
  std::string name;  // the branch or tag name, without refs/heads/ or refs/tags/
  std::string commit;
  bool tag = false;
};

// The heads to run: every branch or tag that is new or moved since PREVIOUS, in ref order.
// Deleted ones are not runs. Without PREVIOUS (the first poll of a project) only the default
// branch is run, once, so that a new project shows its state without replaying every branch.
std::vector<HeadUpdate> updated_heads(const std::optional<RemoteHeads>& previous, const RemoteHeads& current,
                                      const std::string& default_branch);

}  // namespace slipway::scm
