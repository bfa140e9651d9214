#include "deploy/ssh_identity.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <tuple>

#include "deploy/remote_command.h"
#include "util/captured_command.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

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

std::string docker_ssh_bin(const store::HomeLayout& layout, const std::string& app, const SshIdentity& identity) {
  const std::string dir = layout.ssh_dir(app) + "/docker";
  std::filesystem::create_directories(dir + "/bin");
  ::chmod(dir.c_str(), 0700);
  // The docker CLI runs `ssh [-l USER] [-p PORT] -- HOST docker system dial-stdio`; this is all the
  // configuration that ssh gets. Paths are quoted: HOME may hold spaces.
  const std::string config =
      "# written by slipway for the docker CLI of app " + app + "\n"
      "Host *\n"
      "  IdentityFile \"" + identity.key_file + "\"\n"
      "  IdentitiesOnly yes\n"
      "  IdentityAgent none\n"
      "  BatchMode yes\n"
      "  StrictHostKeyChecking accept-new\n"
      "  UserKnownHostsFile \"" + identity.known_hosts + "\"\n"
      "  GlobalKnownHostsFile /dev/null\n"
      "  ConnectTimeout 10\n"
      "  ServerAliveInterval 15\n"
      "  LogLevel ERROR\n";
  // The system's ssh by its full path: this wrapper is the `ssh` first in the CLI's PATH.
  std::string ssh = "/usr/bin/ssh";
  if (const char* path = std::getenv("PATH")) {
    for (const auto& entry : util::split(path, ':')) {
      if (!entry.empty() && entry.front() == '/' && ::access((entry + "/ssh").c_str(), X_OK) == 0) {
        ssh = entry + "/ssh";
        break;
      }
    }
  }
  const std::string wrapper =
      "#!/bin/sh\nexec " + shell_quote(ssh) + " -F " + shell_quote(dir + "/ssh_config") + " \"$@\"\n";
  // Deployments of two environments of one app may get here at once; a docker CLI may be running
  // the wrapper now: written only when it changes, beside it first, then renamed.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  for (const auto& [path, text, mode] : {std::tuple{dir + "/ssh_config", config, 0600},
                                         std::tuple{dir + "/bin/ssh", wrapper, 0700}}) {
    if (util::read_file(path) == text) continue;
    util::Fd fd = util::open_file(path + ".new", O_WRONLY | O_CREAT | O_TRUNC, mode);
    util::write_all(fd.get(), text.data(), text.size());
    fd = util::Fd();
    std::filesystem::rename(path + ".new", path);
  }
  return dir + "/bin";
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
