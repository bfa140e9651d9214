// A fleet of fake SSH servers on this machine, for end-to-end tests and
// benchmarks that deploy over SSH with rsync. Each host has its own network
// namespace and IPv4 address, its own sshd (root login by key), its own
// directory at one shared mount point (a deploy tree per host) and its own
// home for root (a fresh server's: none of this machine's dotfiles); tools
// and the rest of the filesystem are the machine's. Needs root. Every
// process started is stopped by PID; nothing is mounted in the root namespace.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "daemon_process.h"
#include "util/expected.h"

namespace slipway::testing {

class HostNamespace;

struct SshHost {
  std::string name;     // "host1"
  std::string address;  // IPv4 address inside its namespace, reachable from the root namespace
  int port = 22;
  std::string root;  // the directory that appears at SshHosts::mount_point() inside this host
  std::string home;  // the directory that appears as root's home (/root) inside this host
  int sshd_pid = 0;  // a child of this process; 0 while stopped
  int dockerd_pid = 0;  // start_docker(): a child of this process
};

class SshHosts {
 public:
  // Creates COUNT hosts under WORK_DIR (a temp dir owned by the test), each
  // with sshd listening. Fails with a message saying why when this machine
  // cannot (not root, no sshd or ip, no namespaces) or a host did not come up.
  static util::Expected<std::unique_ptr<SshHosts>> create(int count, const std::string& work_dir);
  // Stops every sshd, kills whatever still runs inside the hosts (apps that
  // daemonized over ssh included), deletes the veth pairs and namespaces.
  ~SshHosts();
  SshHosts(const SshHosts&) = delete;
  SshHosts& operator=(const SshHosts&) = delete;

  const std::vector<SshHost>& hosts() const { return hosts_; }
  // An empty directory of WORK_DIR in the root namespace; inside each host a
  // bind mount of that host's `root` (deploy paths go below it).
  const std::string& mount_point() const { return mount_point_; }

  // Appends PUBLIC_KEY_LINE to every host's authorized_keys (login as root).
  void authorize(const std::string& public_key_line);
  // "ADDRESS ssh-ed25519 KEY": host INDEX's current host key for a known_hosts file.
  std::string known_hosts_line(int index) const;

  // INDEX is into hosts(). Throws util::Error (with the end of sshd's log)
  // when sshd does not listen within 5 s.
  void stop_sshd(int index);        // new connections are refused; open sessions go on
  void start_sshd(int index);       // with the same host key
  void change_host_key(int index);  // a new host key, sshd restarted

  // Starts a Docker engine of host INDEX's own (data, containers, docker0 and iptables rules in
  // the host's namespaces) and makes it what `docker` means in ssh sessions on the host (root's
  // ~/.ssh/environment sets DOCKER_HOST), so that `docker -H ssh://root@ADDRESS` reaches it. From
  // this namespace it is at docker_socket(INDEX). Throws util::Error when it does not answer in 30 s.
  void start_docker(int index);
  std::string docker_socket(int index) const;

  // Runs ARGV inside host INDEX (its network and mount namespaces), bounded by TIMEOUT.
  CommandResult run_in(int index, const std::vector<std::string>& argv,
                       std::chrono::seconds timeout = std::chrono::seconds(60)) const;
  // What host INDEX's sshd logged.
  std::string sshd_log(int index) const;

 private:
  SshHosts() = default;
  void add_host(int index, const std::string& subnet);
  void generate_host_key(int index);
  std::string host_dir(int index) const;
  std::string docker_exec_root(int index) const;

  std::string work_dir_;
  std::string mount_point_;
  std::vector<SshHost> hosts_;
  std::vector<std::unique_ptr<HostNamespace>> namespaces_;
};

}  // namespace slipway::testing
