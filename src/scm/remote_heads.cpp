#include "scm/remote_heads.h"

#include <set>

#include "scm/names.h"

namespace slipway::scm {

namespace {

constexpr std::string_view kHeads = "refs/heads/";
constexpr std::string_view kTags = "refs/tags/";
constexpr std::string_view kPeeled = "^{}";

bool is_commit_id(std::string_view text) {
  if (text.size() != 40) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> remote_git_env(std::vector<std::string> base) {
  base.push_back("GIT_TERMINAL_PROMPT=0");
  base.push_back("GIT_SSH_COMMAND=ssh -o BatchMode=yes");  // never wait for a password
  return base;
}

RemoteHeads parse_ls_remote(std::string_view output) {
  RemoteHeads heads;
  std::set<std::string> peeled;  // tags whose commit came from a ^{} line
  while (!output.empty()) {
    auto end = output.find('\n');
    std::string_view line = output.substr(0, end);
    output = end == std::string_view::npos ? std::string_view{} : output.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto tab = line.find('\t');
    if (tab == std::string_view::npos || !is_commit_id(line.substr(0, tab))) continue;
    std::string commit(line.substr(0, tab));
    std::string_view ref = line.substr(tab + 1);
    if (ref.starts_with(kHeads) && ref.size() > kHeads.size() && !ref.ends_with(kPeeled)) {
      heads[std::string(ref)] = commit;
    } else if (ref.starts_with(kTags) && ref.size() > kTags.size()) {
      if (ref.ends_with(kPeeled)) {
        std::string tag(ref.substr(0, ref.size() - kPeeled.size()));
        heads[tag] = commit;
        peeled.insert(tag);
      } else if (peeled.count(std::string(ref)) == 0) {
        heads[std::string(ref)] = commit;
      }
    }
  }
  return heads;
}

std::vector<HeadUpdate> updated_heads(const std::optional<RemoteHeads>& previous, const RemoteHeads& current,
                                      const std::string& default_branch) {
  std::vector<HeadUpdate> updates;
  if (!previous) {
    auto it = current.find(std::string(kHeads) + default_branch);
    if (it != current.end()) updates.push_back({default_branch, it->second, false});
    return updates;
  }
  for (const auto& [ref, commit] : current) {
    auto before = previous->find(ref);
    if (before != previous->end() && before->second == commit) continue;
    bool tag = ref.starts_with(kTags);
    std::string name = ref.substr(tag ? kTags.size() : kHeads.size());
    // A server may advertise any name: only those a push could make start runs.
    if (!valid_branch_name(name)) continue;
    updates.push_back({std::move(name), commit, tag});
  }
  return updates;
}

}  // namespace slipway::scm
