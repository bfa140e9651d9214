#include "ssh_hosts.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

#include "host_namespace.h"
#include "util/child_process.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kListenLimit = 5s;
constexpr auto kStopGrace = 5s;

// Why this machine cannot host SSH test hosts, or empty.
std::string missing_prerequisite(const std::string& work_dir) {
  if (::geteuid() != 0) {
    return "SSH test hosts need root (network namespaces, mounts); this runs as uid " +
           std::to_string(::geteuid());
  }
  for (const char* tool : {"sshd", "ssh-keygen", "ip"}) {
    if (find_executable(tool).empty())
      return std::string(tool) + " not found (install openssh-server, iproute2)";
  }
  if (::getpwnam("sshd") == nullptr) return "no user `sshd` for sshd's privilege separation";
  const passwd* root = ::getpwuid(0);
  if (root == nullptr || !fs::is_directory(root->pw_dir)) return "root has no home directory";
  if (::access("/proc/self/ns/net", R_OK) != 0) return "no network namespaces (/proc/self/ns/net)";
  if (work_dir.empty() || work_dir[0] != '/') return "work dir must be an absolute path: " + work_dir;
  // Paths go into sshd_config, where quotes, escapes and % tokens mean something.
  if (work_dir.find_first_of("\"\\%\n") != std::string::npos)
    return "unusable characters in work dir " + work_dir;
  return {};
}

// sshd's privilege-separation directory (a systemd unit would create it).
void ensure_privsep_dir() {
  if (::mkdir("/run/sshd", 0755) != 0 && errno != EEXIST) util::throw_errno("mkdir /run/sshd");
}

std::string tail(const std::string& text, std::size_t size = 2000) {
  return text.size() <= size ? text : "..." + text.substr(text.size() - size);
}

// Whether a TCP connection to ADDRESS:PORT succeeds within LIMIT.
bool accepts_connections(const std::string& address, int port, std::chrono::milliseconds limit) {
  util::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) util::throw_errno("socket");
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &target.sin_addr) != 1)
    throw util::Error("bad IPv4 address " + address);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) == 0) return true;
  if (errno != EINPROGRESS) return false;
  pollfd pfd{fd.get(), POLLOUT, 0};
  if (::poll(&pfd, 1, static_cast<int>(limit.count())) != 1) return false;
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) return false;
  return error == 0;
}

// SIGTERM, up to GRACE for our child PID to exit, then SIGKILL; reaps it.
void stop_child(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return;
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

std::string sshd_config(const SshHost& host, const std::string& dir) {
  std::ostringstream out;
  out << "# sshd of test host " << host.name << ", written by slipway::testing::SshHosts\n"
      << "ListenAddress " << host.address << "\n"
      << "Port " << host.port << "\n"
      << "HostKey \"" << dir << "/ssh_host_ed25519_key\"\n"
      << "PidFile \"" << dir << "/sshd.pid\"\n"
      << "AuthorizedKeysFile \"" << dir << "/authorized_keys\"\n"
      << "PermitRootLogin prohibit-password\n"
      << "PubkeyAuthentication yes\n"
      << "PasswordAuthentication no\n"
      << "KbdInteractiveAuthentication no\n"
      << "UsePAM no\n"
      << "# A host with its own Docker engine names its socket in root's ~/.ssh/environment.\n"
      << "PermitUserEnvironment DOCKER_HOST\n"
      << "# The files live in a test's temp dir, whose modes sshd would reject.\n"
      << "StrictModes no\n"
      << "UseDNS no\n"
      << "# Benchmarks open many connections at once.\n"
      << "MaxStartups 100\n"
      << "MaxSessions 100\n"
      << "Subsystem sftp internal-sftp\n"
      << "LogLevel INFO\n";
  return out.str();
}

}  // namespace

util::Expected<std::unique_ptr<SshHosts>> SshHosts::create(int count, const std::string& work_dir) {
  if (std::string why = missing_prerequisite(work_dir); !why.empty()) return util::unexpected(why);
  if (count < 1 || count > 250)
    return util::unexpected("host count must be 1..250, not " + std::to_string(count));
  std::unique_ptr<SshHosts> fleet(new SshHosts());
  try {
    ensure_privsep_dir();
    fleet->work_dir_ = work_dir;
    fleet->mount_point_ = work_dir + "/mnt";
    fs::create_directories(fleet->mount_point_);
    {
      // Another test process may be choosing a subnet right now.
      auto lock = HostNamespaceLock::acquire();
      if (!lock) return util::unexpected(lock.error());
      remove_leftover_hosts();
      auto subnet = free_subnet(::getpid());
      if (!subnet) return util::unexpected(subnet.error());
      for (int i = 0; i < count; ++i) fleet->add_host(i, *subnet);
    }
    for (int i = 0; i < count; ++i) fleet->generate_host_key(i);
    for (int i = 0; i < count; ++i) fleet->start_sshd(i);
  } catch (const std::exception& e) {
    return util::unexpected(std::string("SSH test hosts: ") + e.what());  // the destructor undoes the rest
  }
  return fleet;
}

SshHosts::~SshHosts() {
  for (auto& host : hosts_) {
    stop_child(host.sshd_pid, kStopGrace);
    host.sshd_pid = 0;
    // dockerd stops its containers when it gets SIGTERM (they live in namespaces of their own).
    stop_child(host.dockerd_pid, std::chrono::seconds(30));
    host.dockerd_pid = 0;
  }
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    std::error_code ec;
    fs::remove_all(docker_exec_root(static_cast<int>(i)), ec);
  }
  HostNamespace::kill_all(namespaces_, kStopGrace);  // sessions, apps that daemonized
  namespaces_.clear();                               // deletes links and namespaces
}

std::string SshHosts::docker_socket(int index) const { return host_dir(index) + "/docker.sock"; }

std::string SshHosts::docker_exec_root(int index) const {
  return "/run/" + host_namespace_name(::getpid(), index) + "-docker";  // short: containerd's sockets go below
}

void SshHosts::start_docker(int index) {
  auto& host = hosts_.at(index);
  if (host.dockerd_pid > 0) return;
  const std::string dir = host_dir(index);
  std::string dockerd = find_executable("dockerd");
  if (dockerd.empty()) throw util::Error("no dockerd on this machine");
  fs::create_directories(host.home + "/.ssh");
  write_file(host.home + "/.ssh/environment", "DOCKER_HOST=unix://" + docker_socket(index) + "\n");
  util::Fd out = util::open_file(dir + "/dockerd.log", O_WRONLY | O_CREAT | O_APPEND);
  host.dockerd_pid = namespaces_.at(index)->spawn(
      {dockerd, "--data-root", dir + "/docker-data", "--exec-root", docker_exec_root(index), "--pidfile",
       dir + "/dockerd.pid", "--host", "unix://" + docker_socket(index)},
      out.get());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto version = run_command({"docker", "--host", "unix://" + docker_socket(index), "version", "--format",
                                "{{.Server.Version}}"},
                               {}, {}, std::chrono::seconds(10));
    if (version.exit_code == 0) return;
    int status = 0;
    if (::waitpid(host.dockerd_pid, &status, WNOHANG) == host.dockerd_pid) {
      host.dockerd_pid = 0;
      throw util::Error("dockerd of " + host.name + " exited: " + tail(read_file(dir + "/dockerd.log")));
    }
    std::this_thread::sleep_for(200ms);
  }
  throw util::Error("dockerd of " + host.name + " did not answer within 30 s: " + tail(read_file(dir + "/dockerd.log")));
}

std::string SshHosts::host_dir(int index) const { return work_dir_ + "/ssh-hosts/" + hosts_.at(index).name; }

void SshHosts::add_host(int index, const std::string& subnet) {
  SshHost host;
  host.name = "host" + std::to_string(index + 1);
  std::string prefix = subnet + "." + std::to_string(index + 1) + ".";
  host.address = prefix + "2";
  hosts_.push_back(host);
  std::string dir = host_dir(index);
  hosts_.back().root = dir + "/root";
  hosts_.back().home = dir + "/home";
  fs::create_directories(hosts_.back().root);
  fs::create_directories(hosts_.back().home);
  fs::permissions(hosts_.back().home, fs::perms::owner_all);
  write_file(dir + "/authorized_keys", "");
  write_file(dir + "/sshd_config", sshd_config(hosts_.back(), dir));

  HostNamespaceSpec spec;
  spec.name = host_namespace_name(::getpid(), index + 1);
  spec.root_link = host_link_name(::getpid(), index + 1);
  spec.root_address = prefix + "1";
  spec.address = host.address;
  // A home of its own: the machine's root dotfiles (a .bashrc that sets up
  // pyenv, say) would run on every login and cost each ssh command 250 ms.
  spec.mounts = {{hosts_.back().root, mount_point_}, {hosts_.back().home, ::getpwuid(0)->pw_dir}};
  auto created = HostNamespace::create(spec);
  if (!created) throw util::Error(created.error());
  namespaces_.push_back(std::move(created.value()));
}

void SshHosts::generate_host_key(int index) {
  std::string key = host_dir(index) + "/ssh_host_ed25519_key";
  std::error_code ec;
  fs::remove(key, ec);
  fs::remove(key + ".pub", ec);
  CommandResult result = run_command({find_executable("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C",
                                      "slipway-test-" + hosts_.at(index).name, "-f", key},
                                     {}, {}, 30s);
  if (result.exit_code != 0)
    throw util::Error("ssh-keygen for " + hosts_.at(index).name + ": " + result.output);
}

void SshHosts::authorize(const std::string& public_key_line) {
  std::string line(util::trim(public_key_line));
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    util::Fd fd = util::open_file(host_dir(static_cast<int>(i)) + "/authorized_keys",
                                  O_WRONLY | O_CREAT | O_APPEND, 0600);
    std::string entry = line + "\n";
    util::write_all(fd.get(), entry.data(), entry.size());
  }
}

std::string SshHosts::known_hosts_line(int index) const {
  std::istringstream key(read_file(host_dir(index) + "/ssh_host_ed25519_key.pub"));
  std::string type, base64;
  key >> type >> base64;
  if (base64.empty()) throw util::Error("no public host key for " + hosts_.at(index).name);
  return hosts_.at(index).address + " " + type + " " + base64;
}

void SshHosts::start_sshd(int index) {
  SshHost& host = hosts_.at(index);
  if (host.sshd_pid > 0) return;
  std::string dir = host_dir(index);
  std::string log = dir + "/sshd.log";
  util::Fd out = util::open_file(log, O_WRONLY | O_CREAT | O_APPEND);
  std::string sshd = find_executable("sshd");  // absolute: sshd re-executes itself per connection
  host.sshd_pid =
      namespaces_.at(index)->spawn({sshd, "-D", "-e", "-f", dir + "/sshd_config", "-E", log}, out.get());
  auto deadline = std::chrono::steady_clock::now() + kListenLimit;
  while (!accepts_connections(host.address, host.port, 250ms)) {
    int status = 0;
    if (::waitpid(host.sshd_pid, &status, WNOHANG) == host.sshd_pid) {
      host.sshd_pid = 0;
      throw util::Error("sshd of " + host.name + " exited (" + util::describe_wait_status(status) + "):\n" +
                        tail(sshd_log(index)));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop_sshd(index);
      throw util::Error("sshd of " + host.name + " did not listen on " + host.address + ":" +
                        std::to_string(host.port) + " within 5 s:\n" + tail(sshd_log(index)));
    }
    std::this_thread::sleep_for(10ms);
  }
}

void SshHosts::stop_sshd(int index) {
  SshHost& host = hosts_.at(index);
  stop_child(host.sshd_pid, kStopGrace);
  host.sshd_pid = 0;
}

void SshHosts::change_host_key(int index) {
  stop_sshd(index);
  generate_host_key(index);
  start_sshd(index);
}

CommandResult SshHosts::run_in(int index, const std::vector<std::string>& argv,
                               std::chrono::seconds timeout) const {
  util::Pipe pipe = util::make_pipe();
  pid_t pid = namespaces_.at(index)->spawn(argv, pipe.write.get());
  pipe.write.reset();
  CommandResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[8192];
  while (true) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(-pid, SIGKILL);
      result.output += "\n[test: command timed out]";
      break;
    }
    pollfd pfd{pipe.read.get(), POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) util::throw_errno("poll");
    if (ready <= 0) continue;
    ssize_t n = ::read(pipe.read.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) util::throw_errno("waitpid");
  }
  result.exit_code = util::exit_code_of(status);
  return result;
}

std::string SshHosts::sshd_log(int index) const { return read_file(host_dir(index) + "/sshd.log"); }

}  // namespace slipway::testing
