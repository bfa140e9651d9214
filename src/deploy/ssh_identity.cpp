#include "deploy/ssh_identity.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "util/captured_command.h"
#include "util/error.h"
#include "util/fd.h"

namespace slipway::deploy {

SshIdentity ensure_ssh_identity(const store::HomeLayout& layout, const std::string& app) {
  const std::string dir = layout.ssh_dir(app);
  SshIdentity identity{dir + "/id_ed25519", dir + "/known_hosts"};
  // Two deployments of one app may start at once: one of them makes the key.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (std::filesystem::exists(identity.key_file)) return identity;
  std::filesystem::create_directories(dir);
  if (::chmod(dir.c_str(), 0700) != 0) util::throw_errno("chmod " + dir);
  util::CapturedCommand keygen;
  keygen.argv = {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "slipway@" + app, "-f", identity.key_file};
  keygen.timeout = std::chrono::seconds(30);
  auto result = util::run_captured(keygen);
  if (!result.ok()) throw util::Error("ssh-keygen failed: " + result.output);
  std::ofstream(identity.known_hosts, std::ios::app).close();
  return identity;
}

std::string public_key(const SshIdentity& identity) {
  auto text = util::read_file(identity.key_file + ".pub");
  if (!text) throw util::Error("cannot read " + identity.key_file + ".pub");
  std::string line = std::move(*text);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

void forget_host_key(const SshIdentity& identity, const std::string& host, int port) {
  const std::string name = port > 0 && port != 22 ? "[" + host + "]:" + std::to_string(port) : host;
  util::CapturedCommand remove;
  remove.argv = {"ssh-keygen", "-R", name, "-f", identity.known_hosts};
  remove.timeout = std::chrono::seconds(30);
  auto result = util::run_captured(remove);
  if (!result.ok()) throw util::Error("ssh-keygen -R failed: " + result.output);
  std::error_code ec;
  std::filesystem::remove(identity.known_hosts + ".old", ec);
}

}  // namespace slipway::deploy
