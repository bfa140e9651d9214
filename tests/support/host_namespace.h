// A fake machine on this one, for tests that deploy over SSH: a network
// namespace joined to the root namespace by a veth pair (no NAT: its address
// is reachable directly), and a private mount namespace in which directories
// of the test's temp dir are bind-mounted (a deploy tree, root's home).
// Everything else of the filesystem is the machine's own. Names carry the creating process's pid, so
// the leftovers of a run that crashed can be told apart and swept.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "util/expected.h"
#include "util/fd.h"

namespace slipway::testing {

struct BindMount {
  std::string source;  // a directory of the root namespace
  std::string target;  // an existing directory it covers inside the host
};

struct HostNamespaceSpec {
  std::string name;               // the network namespace, host_namespace_name()
  std::string root_link;          // the veth end in the root namespace, host_link_name()
  std::string root_address;       // its IPv4 address (/24); the host's default route
  std::string address;            // the host's IPv4 address on its eth0 (/24, same subnet)
  std::vector<BindMount> mounts;  // made in this order inside the host
};

// "slw-PID-INDEX" and "swPIDhINDEX" (interface names have at most 15 characters).
std::string host_namespace_name(pid_t pid, int index);
std::string host_link_name(pid_t pid, int index);

// A /16 of the form 10.X.0.0 (X in 200..249, tried from 200 + PID % 50 on)
// that no interface of the root namespace has an address in: "10.X".
// Callers serialize choice and use with HostNamespaceLock.
util::Expected<std::string> free_subnet(pid_t pid);

// Serializes choosing subnets and creating namespaces among concurrent test
// processes (flock on a file under /run/lock; released when destroyed).
class HostNamespaceLock {
 public:
  static util::Expected<HostNamespaceLock> acquire();

 private:
  explicit HostNamespaceLock(util::Fd fd) : fd_(std::move(fd)) {}
  util::Fd fd_;
};

// Deletes the namespaces and links of processes that are gone (named as above
// with a PID that no longer exists), killing whatever still runs inside them.
void remove_leftover_hosts();

// An executable found in PATH, /usr/sbin or /sbin; empty when there is none.
std::string find_executable(const std::string& name);

class HostNamespace {
 public:
  static util::Expected<std::unique_ptr<HostNamespace>> create(const HostNamespaceSpec& spec);
  // Kills every process inside, deletes the veth pair and the namespace.
  ~HostNamespace();
  HostNamespace(const HostNamespace&) = delete;
  HostNamespace& operator=(const HostNamespace&) = delete;

  const HostNamespaceSpec& spec() const { return spec_; }

  // Forks a child that joins the host's network and mount namespaces, leads
  // its own process group, starts in "/" with default signal handling and
  // execs ARGV (argv[0] looked up with find_executable). STDOUT_FD -1 is
  // /dev/null, STDERR_FD -1 the same as stdout. Returns once the exec
  // succeeded; throws util::Error naming the step that failed otherwise. The
  // caller reaps the child.
  pid_t spawn(const std::vector<std::string>& argv, int stdout_fd = -1, int stderr_fd = -1) const;

  // Processes other than this one whose network namespace is the host's.
  std::vector<pid_t> processes() const;
  // SIGTERM to every process inside, up to GRACE for them to exit, then
  // SIGKILL; bounded in rounds and time.
  void kill_all(std::chrono::milliseconds grace);
  // The same for several hosts at once, with one grace period for all.
  static void kill_all(const std::vector<std::unique_ptr<HostNamespace>>& hosts,
                       std::chrono::milliseconds grace);

 private:
  explicit HostNamespace(HostNamespaceSpec spec) : spec_(std::move(spec)) {}
  void set_up();

  HostNamespaceSpec spec_;
  bool namespace_added_ = false;
  bool link_added_ = false;
  util::Fd net_;  // /run/netns/NAME
  util::Fd mnt_;  // the private mount namespace, kept alive by this descriptor
};

}  // namespace slipway::testing
