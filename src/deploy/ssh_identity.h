// The ssh identity of one project: a key pair made on first use (its public
// half is what users install on their hosts: `slipway ssh-key show APP`) and
// the project's own known_hosts, where each host's key is pinned the first
// time Slipway connects. A key that changes later fails the deployment.
#pragma once

#include <string>

#include "store/home_layout.h"

namespace slipway::deploy {

struct SshIdentity {
  std::string key_file;     // private key, 0600
  std::string known_hosts;  // pinned host keys
};

// Creates HOME/ssh/APP/ with an ed25519 key pair when missing. Throws util::Error.
SshIdentity ensure_ssh_identity(const store::HomeLayout& layout, const std::string& app);
// The public key line ("ssh-ed25519 AAAA... slipway@APP"). Throws util::Error.
std::string public_key(const SshIdentity& identity);
// A directory to put first in the docker CLI's PATH, so that the ssh it runs for DOCKER_HOST=ssh://...
// uses IDENTITY's key and known_hosts as Slipway's own ssh does: HOME/ssh/APP/docker/bin/ssh runs the
// system's ssh with `-F HOME/ssh/APP/docker/ssh_config` (ssh finds ~/.ssh by the passwd entry, not
// by $HOME, so a home of its own would not do). Throws util::Error.
std::string docker_ssh_bin(const store::HomeLayout& layout, const std::string& app, const SshIdentity& identity);
// Removes HOST's pinned keys (after a host was reinstalled on purpose). Throws util::Error.
void forget_host_key(const SshIdentity& identity, const std::string& host, int port);

}  // namespace slipway::deploy
