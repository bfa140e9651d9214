#include "host_namespace.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "daemon_process.h"
#include "util/child_process.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kNamespacePrefix = "slw-";
constexpr const char* kLinkPrefix = "sw";
constexpr const char* kLockPath = "/run/lock/slipway-test-hosts.lock";

// What a forked child reports through its close-on-exec pipe: the step that
// failed (a string literal, at the same address in the parent) and errno. A
// pipe closed without a report means the exec succeeded.
struct ChildReport {
  const char* step = nullptr;
  int error = 0;
};

[[noreturn]] void child_fail(int report_fd, const char* step) {
  ChildReport report{step, errno};
  // Nothing more can be done in the child if this write fails.
  [[maybe_unused]] ssize_t n = ::write(report_fd, &report, sizeof report);
  ::_exit(127);
}

// Reads the child's report; false when the pipe closed without one.
bool read_report(int fd, ChildReport& report) {
  while (true) {
    ssize_t n = ::read(fd, &report, sizeof report);
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(sizeof report);
  }
}

void reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

bool pid_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// "PREFIX<pid>SEPARATOR<index>" → pid, or -1.
pid_t pid_in_name(const std::string& name, const std::string& prefix, char separator) {
  if (name.rfind(prefix, 0) != 0) return -1;
  auto end = name.find(separator, prefix.size());
  if (end == std::string::npos) return -1;
  unsigned long long pid = 0;
  unsigned long long index = 0;
  if (!util::parse_uint(std::string_view(name).substr(prefix.size(), end - prefix.size()), pid) ||
      !util::parse_uint(std::string_view(name).substr(end + 1), index) || pid == 0 || pid > 1u << 22) {
    return -1;
  }
  return static_cast<pid_t>(pid);
}

void run_ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {find_executable("ip")};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = run_command(argv, {}, {}, 10s);
  if (result.exit_code != 0) {
    throw util::Error(util::join(argv, " ") + " failed (exit " + std::to_string(result.exit_code) +
                      "): " + std::string(util::trim(result.output)));
  }
}

// The identity (device, inode) of a namespace file.
struct NamespaceId {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const NamespaceId&) const = default;
};

bool namespace_id(const std::string& path, NamespaceId& id) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  id = {st.st_dev, st.st_ino};
  return true;
}

// Live processes (zombies have no namespaces) in any of the network namespaces NETS.
std::vector<pid_t> processes_in(const std::vector<NamespaceId>& nets) {
  std::vector<pid_t> pids;
  if (nets.empty()) return pids;
  std::error_code ec;
  pid_t self = ::getpid();
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    unsigned long long pid = 0;
    if (!util::parse_uint(it->path().filename().string(), pid) || static_cast<pid_t>(pid) == self) continue;
    NamespaceId id;
    if (namespace_id(it->path().string() + "/ns/net", id) &&
        std::find(nets.begin(), nets.end(), id) != nets.end()) {
      pids.push_back(static_cast<pid_t>(pid));
    }
  }
  return pids;
}

// Reaps those of PIDS that are our exited children (they would stay zombies).
void reap_own(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, WNOHANG);  // ECHILD for processes that are not ours: nothing to do
  }
}

// SIGTERM to every process in NETS, up to GRACE for all to exit, then SIGKILL.
void kill_processes_in(const std::vector<NamespaceId>& nets, std::chrono::milliseconds grace) {
  auto pids = processes_in(nets);
  for (pid_t pid : pids) ::kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (!pids.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    reap_own(pids);
    pids = processes_in(nets);
  }
  // Whatever is left, and whatever forked meanwhile; a few rounds at most.
  for (int round = 0; round < 20 && !pids.empty(); ++round) {
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(20ms);
    reap_own(pids);
    pids = processes_in(nets);
  }
}

bool namespace_id_of(const util::Fd& fd, NamespaceId& id) {
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) return false;
  id = {st.st_dev, st.st_ino};
  return true;
}

// The forked child of make_mount_namespace: unshares, mounts, reports, then
// waits for the parent to have opened its namespace. Only system calls here:
// the parent may have other threads.
[[noreturn]] void mount_namespace_child(int report_fd, int hold_fd, const std::vector<const char*>& sources,
                                        const std::vector<const char*>& targets) {
  if (::unshare(CLONE_NEWNS) != 0) child_fail(report_fd, "unshare(CLONE_NEWNS)");
  if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    child_fail(report_fd, "make / private");
  // The copy of /run/netns would pin every network namespace that exists now
  // (other hosts', other test processes') for as long as this one lives.
  if (::umount2("/run/netns", MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    child_fail(report_fd, "detach /run/netns");
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (::mount(sources[i], targets[i], nullptr, MS_BIND, nullptr) != 0) child_fail(report_fd, "bind mount");
  }
  ChildReport ready;
  if (::write(report_fd, &ready, sizeof ready) != static_cast<ssize_t>(sizeof ready)) ::_exit(127);
  char byte = 0;
  while (::read(hold_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  ::_exit(0);
}

// A new mount namespace with MOUNTS made, created by a short-lived child and
// kept alive by the returned descriptor.
util::Fd make_mount_namespace(const std::vector<BindMount>& mounts) {
  std::vector<const char*> sources;
  std::vector<const char*> targets;
  std::string described;
  for (const auto& bind : mounts) {
    sources.push_back(bind.source.c_str());
    targets.push_back(bind.target.c_str());
    described += (described.empty() ? "" : ", ") + bind.source + " on " + bind.target;
  }
  util::Pipe report = util::make_pipe();
  util::Pipe hold = util::make_pipe();
  pid_t pid = ::fork();
  if (pid < 0) util::throw_errno("fork");
  if (pid == 0) {
    ::close(hold.write.get());
    mount_namespace_child(report.write.get(), hold.read.get(), sources, targets);
  }
  report.write.reset();
  hold.read.reset();
  ChildReport result;
  bool got = read_report(report.read.get(), result);
  util::Fd mnt;
  int open_errno = 0;
  if (got && result.step == nullptr) {
    mnt.reset(::open(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
    open_errno = errno;
  }
  hold.write.reset();  // lets the child exit
  reap(pid);
  if (!got) throw util::Error("mount namespace (" + described + "): the child died without a report");
  if (result.step != nullptr) {
    throw util::Error("mount namespace (" + described + "): " + result.step + ": " +
                      std::strerror(result.error));
  }
  if (!mnt.valid())
    throw util::Error("open the new mount namespace: " + std::string(std::strerror(open_errno)));
  return mnt;
}

// The forked child of HostNamespace::spawn. Only system calls here.
[[noreturn]] void spawn_child(int report_fd, int net_fd, int mnt_fd, int null_fd, int stdout_fd,
                              int stderr_fd, const char* path, char* const* argv) {
  if (::setpgid(0, 0) != 0) child_fail(report_fd, "setpgid");
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP)
      ::sigaction(sig, &default_action, nullptr);  // EINVAL for glibc's own
  }
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) child_fail(report_fd, "sigprocmask");
  if (::setns(net_fd, CLONE_NEWNET) != 0) child_fail(report_fd, "setns(network namespace)");
  if (::setns(mnt_fd, CLONE_NEWNS) != 0) child_fail(report_fd, "setns(mount namespace)");
  if (::chdir("/") != 0) child_fail(report_fd, "chdir /");
  if (stdout_fd < 0) stdout_fd = null_fd;
  if (stderr_fd < 0) stderr_fd = stdout_fd;
  if (::dup2(null_fd, 0) < 0 || ::dup2(stdout_fd, 1) < 0 || ::dup2(stderr_fd, 2) < 0)
    child_fail(report_fd, "dup2");
  // Nothing of the test process but stdio crosses over (the report pipe is close-on-exec already).
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) child_fail(report_fd, "close_range");
  ::execv(path, argv);
  child_fail(report_fd, "execv");
}

}  // namespace

std::string host_namespace_name(pid_t pid, int index) {
  return kNamespacePrefix + std::to_string(pid) + "-" + std::to_string(index);
}

std::string host_link_name(pid_t pid, int index) {
  return kLinkPrefix + std::to_string(pid) + "h" + std::to_string(index);
}

util::Expected<std::string> free_subnet(pid_t pid) {
  ifaddrs* addresses = nullptr;
  if (::getifaddrs(&addresses) != 0)
    return util::unexpected(std::string("getifaddrs: ") + std::strerror(errno));
  bool used[256] = {};
  for (ifaddrs* a = addresses; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    uint32_t ip = ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
    if ((ip >> 24) == 10) used[(ip >> 16) & 0xff] = true;
  }
  ::freeifaddrs(addresses);
  for (int attempt = 0; attempt < 50; ++attempt) {
    int second = 200 + (pid + attempt) % 50;
    if (!used[second]) return "10." + std::to_string(second);
  }
  return util::unexpected("no free subnet among 10.200.0.0/16 .. 10.249.0.0/16 (all have local addresses)");
}

util::Expected<HostNamespaceLock> HostNamespaceLock::acquire() {
  int fd = ::open(kLockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return util::unexpected(std::string("open ") + kLockPath + ": " + std::strerror(errno));
  util::Fd owned(fd);
  // Bounded: a holder only creates a few namespaces.
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (::flock(owned.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return util::unexpected(std::string("flock ") + kLockPath + ": " + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return util::unexpected(std::string("flock ") + kLockPath + ": still held by another test after 60 s");
    }
    std::this_thread::sleep_for(20ms);
  }
  return HostNamespaceLock(std::move(owned));
}

void remove_leftover_hosts() {
  // Processes first, while their links still carry the FIN or RST that ends
  // a client's connection (an ssh without one would wait forever).
  std::vector<std::string> namespaces;
  std::vector<NamespaceId> nets;
  std::error_code ec;
  for (fs::directory_iterator it("/run/netns", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    pid_t pid = pid_in_name(name, kNamespacePrefix, '-');
    if (pid <= 0 || pid_exists(pid)) continue;
    namespaces.push_back(name);
    NamespaceId net;
    if (namespace_id(it->path().string(), net)) nets.push_back(net);
  }
  kill_processes_in(nets, 2s);
  // Then links: deleting one end of a veth pair deletes both at once, while a
  // deleted namespace takes its links down asynchronously.
  std::vector<std::string> links;
  if (struct if_nameindex* index = ::if_nameindex()) {
    for (auto* link = index; link->if_index != 0; ++link) {
      pid_t pid = pid_in_name(link->if_name, kLinkPrefix, 'h');
      if (pid > 0 && !pid_exists(pid)) links.emplace_back(link->if_name);
    }
    ::if_freenameindex(index);
  }
  for (const auto& link : links) {
    try {
      run_ip({"link", "delete", link});
    } catch (const util::Error&) {
      // Gone meanwhile with its namespace: what we wanted.
    }
  }
  for (const auto& name : namespaces) {
    try {
      run_ip({"netns", "delete", name});
    } catch (const util::Error&) {
      // Another process sweeping at the same time may have been first.
    }
  }
}

std::string find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
  const char* path = std::getenv("PATH");
  std::vector<std::string> dirs = util::split(path != nullptr ? path : "/usr/bin:/bin", ':');
  dirs.emplace_back("/usr/sbin");
  dirs.emplace_back("/sbin");
  for (const auto& dir : dirs) {
    if (dir.empty()) continue;
    std::string candidate = dir;
    candidate.append("/").append(name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

util::Expected<std::unique_ptr<HostNamespace>> HostNamespace::create(const HostNamespaceSpec& spec) {
  std::unique_ptr<HostNamespace> host(new HostNamespace(spec));
  try {
    host->set_up();
  } catch (const std::exception& e) {
    return util::unexpected("host " + spec.name + ": " + e.what());  // the destructor undoes what was done
  }
  return host;
}

void HostNamespace::set_up() {
  run_ip({"netns", "add", spec_.name});
  namespace_added_ = true;
  run_ip({"link", "add", spec_.root_link, "type", "veth", "peer", "name", "eth0", "netns", spec_.name});
  link_added_ = true;
  run_ip({"address", "add", spec_.root_address + "/24", "dev", spec_.root_link});
  run_ip({"link", "set", spec_.root_link, "up"});
  run_ip({"-n", spec_.name, "link", "set", "lo", "up"});
  run_ip({"-n", spec_.name, "address", "add", spec_.address + "/24", "dev", "eth0"});
  run_ip({"-n", spec_.name, "link", "set", "eth0", "up"});
  // Lets the host reach the root namespace's other addresses (a git or HTTP server of the test).
  run_ip({"-n", spec_.name, "route", "add", "default", "via", spec_.root_address});
  net_ = util::open_file("/run/netns/" + spec_.name, O_RDONLY);
  mnt_ = make_mount_namespace(spec_.mounts);
}

HostNamespace::~HostNamespace() {
  if (net_.valid()) kill_all(5s);
  mnt_.reset();
  net_.reset();
  try {
    if (link_added_) run_ip({"link", "delete", spec_.root_link});
  } catch (const std::exception&) {
    // Already gone (a failed create): the namespace goes next either way.
  }
  try {
    if (namespace_added_) run_ip({"netns", "delete", spec_.name});
  } catch (const std::exception&) {
    // Left for remove_leftover_hosts() of a later run.
  }
}

pid_t HostNamespace::spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd) const {
  if (argv.empty()) throw util::Error("spawn in " + spec_.name + ": empty argv");
  std::string path = find_executable(argv[0]);
  if (path.empty()) throw util::Error("spawn in " + spec_.name + ": " + argv[0] + " not found");
  // Everything the child needs is prepared before fork.
  auto args = util::c_strings(argv);
  util::Fd null_fd = util::open_file("/dev/null", O_RDWR);
  util::Pipe report = util::make_pipe();
  pid_t pid = ::fork();
  if (pid < 0) util::throw_errno("fork");
  if (pid == 0) {
    spawn_child(report.write.get(), net_.get(), mnt_.get(), null_fd.get(), stdout_fd, stderr_fd, path.c_str(),
                args.data());
  }
  report.write.reset();
  ChildReport result;
  if (read_report(report.read.get(), result)) {
    reap(pid);
    throw util::Error("spawn " + argv[0] + " in " + spec_.name + ": " + (result.step ? result.step : "?") +
                      ": " + std::strerror(result.error));
  }
  return pid;
}

std::vector<pid_t> HostNamespace::processes() const {
  NamespaceId net;
  if (!namespace_id_of(net_, net)) return {};
  return processes_in({net});
}

void HostNamespace::kill_all(std::chrono::milliseconds grace) {
  NamespaceId net;
  if (namespace_id_of(net_, net)) kill_processes_in({net}, grace);
}

void HostNamespace::kill_all(const std::vector<std::unique_ptr<HostNamespace>>& hosts,
                             std::chrono::milliseconds grace) {
  std::vector<NamespaceId> nets;
  for (const auto& host : hosts) {
    NamespaceId net;
    if (host && namespace_id_of(host->net_, net)) nets.push_back(net);
  }
  kill_processes_in(nets, grace);
}

}  // namespace slipway::testing
