// One host of an ssh environment, reached with the system's ssh and rsync:
// argv only, the project's own key and known_hosts (host keys pinned on first
// use, a changed key refused), never a password prompt, bounded in time.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "deploy/ssh_identity.h"
#include "pipeline/host_address.h"
#include "store/home_layout.h"
#include "util/captured_command.h"
#include "util/child_process.h"
#include "util/expected.h"

namespace slipway::deploy {

class SshHost {
 public:
  SshHost(std::string label, pipeline::HostAddress address, SshIdentity identity);
  ~SshHost();
  SshHost(const SshHost&) = delete;
  SshHost& operator=(const SshHost&) = delete;

  // Opens one connection to the host that every later command and rsync shares (ssh's
  // ControlMaster): a child of ours, listening on CONTROL_PATH, until close_master() or the
  // destructor. Fails like any command when the host cannot be reached; without it (a
  // control path too long for a socket) commands open their own connections.
  util::Expected<void> open_master(const std::string& control_path, std::chrono::milliseconds timeout,
                                   const std::atomic<bool>* stop);
  void close_master();

  const std::string& label() const { return label_; }  // as written in slipway.yml
  const pipeline::HostAddress& address() const { return address_; }

  // Runs SCRIPT (a fixed shell script of ours) on the host as `sh -c SCRIPT slipway ARGS...`:
  // the values travel as $1, $2, ... quoted, so none of them is read as code. INPUT goes to stdin.
  util::CapturedResult script(const std::string& script, const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout, const std::atomic<bool>* stop = nullptr,
                              const std::string& input = "") const;
  // Runs ARGV on the host, each argument quoted for its shell.
  util::CapturedResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* stop = nullptr, const std::string& input = "") const;
  // rsync of SOURCE (a local directory or file) to REMOTE_PATH; when LINK_DEST (a
  // directory on the host) is given, files with the same content are hard links to it.
  util::CapturedResult rsync(const std::string& source, const std::string& remote_path, const std::string& link_dest,
                             std::chrono::milliseconds timeout, const std::atomic<bool>* stop = nullptr) const;

  // What went wrong, in one line that names the host: a changed host key, a refused
  // key, an unreachable host, or the command's last line of output.
  std::string describe_failure(const util::CapturedResult& result) const;

 private:
  std::vector<std::string> ssh_options() const;
  std::vector<std::string> ssh_argv(const std::vector<std::string>& extra) const;

  std::string label_;
  pipeline::HostAddress address_;
  SshIdentity identity_;
  std::string control_path_;  // set while a master connection is open
  util::ChildProcess master_;
};

// Where an app's deployments keep their master connections' sockets (HOME/ssh/APP/mux).
std::string master_sockets_dir(const store::HomeLayout& layout, const std::string& app);
// Ends master connections a killed daemon left behind (their sockets under HOME/ssh/*/mux).
void close_leftover_masters(const store::HomeLayout& layout);

// rsync's "Total bytes sent: 1,234" from its --stats output, or -1.
long long rsync_bytes_sent(const std::string& output);

}  // namespace slipway::deploy
