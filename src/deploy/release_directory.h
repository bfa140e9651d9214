// Release trees on disk: a finished run's workspace becomes HOME/releases/APP/N-SHA7 (never
// modified afterwards), environments point at one through an atomically switched symlink, and old
// releases are pruned.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::deploy {

// Moves WORKSPACE to DEST (rename(2): both are under the home, so normally one filesystem) after
// removing its .git, so that DEST never exists with it. DEST must not exist; its parent is created.
// When the two are on different filesystems (EXDEV) the tree is copied, then WORKSPACE removed.
// Throws util::Error naming the paths.
void make_release_tree(const std::string& workspace, const std::string& dest);

// Points LINK at TARGET atomically: a symlink LINK.tmp-RANDOM -> TARGET renamed over LINK, so a
// reader sees the old target or the new one, never none. Throws util::Error.
void switch_symlink(const std::string& link, const std::string& target);

// The release numbers to delete, ascending: all but the newest KEEP, and never one in
// PROTECTED_NUMBERS (the current and previous release of every environment).
std::vector<int> releases_to_prune(std::vector<int> numbers, int keep,
                                   const std::set<int>& protected_numbers);

// "12-3f2a9c1": the number and the first 7 characters of the commit.
std::string release_dir_name(int number, std::string_view commit);

// rm -rf PATH: symlinks are removed, never followed; directories a build left without write
// permission are made writable first; a missing PATH is fine. Throws util::Error naming the entry
// that could not be removed.
void remove_tree(const std::string& path);

}  // namespace slipway::deploy
