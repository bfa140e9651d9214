#include "proxy/nginx_proxy.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "proxy/nginx_processes.h"
#include "util/child_process.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::proxy {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto command_timeout = 30s;  // `nginx -t` or the start command
constexpr auto start_timeout = 5s;     // until the listen port accepts
constexpr auto reload_timeout = 2s;    // until new workers replace the old ones
constexpr auto stop_timeout = 10s;     // graceful stop before SIGKILL
constexpr auto poll_interval = 20ms;

struct CommandResult {
  int wait_status = 0;
  std::string output;  // stdout and stderr together
};

// Runs ARGV in a session of its own with its output in an in-memory file
// (the daemonised master inherits it until it redirects stderr to its log,
// so a pipe would not reach end-of-file when the command ends).
CommandResult run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  util::Fd output(::memfd_create("nginx-output", MFD_CLOEXEC));
  if (!output.valid()) util::throw_errno("memfd_create");
  util::SpawnOptions options;
  options.argv = argv;
  options.env = env;
  options.stdout_fd = output.get();
  options.new_session = true;
  auto child = util::ChildProcess::spawn(options);

  pollfd pfd{child.pidfd(), POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&pfd, 1, static_cast<int>(std::chrono::milliseconds(command_timeout).count()));
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) util::throw_errno("poll for " + argv[0]);
  if (ready == 0) {
    child.signal_group(SIGKILL);
    child.wait();
    throw util::Error(fmt::format("{} did not finish within {} s", argv[0], command_timeout.count()));
  }
  CommandResult result;
  result.wait_status = child.wait();

  off_t size = ::lseek(output.get(), 0, SEEK_END);
  if (size < 0) util::throw_errno("lseek nginx output");
  result.output.resize(static_cast<std::size_t>(size));
  ssize_t n = ::pread(output.get(), result.output.data(), result.output.size(), 0);
  if (n < 0) util::throw_errno("read nginx output");
  result.output.resize(static_cast<std::size_t>(n));
  result.output = std::string(util::trim(result.output));
  return result;
}

std::optional<std::string> find_binary(const std::string& name) {
  auto executable = [](const std::string& path) {
    return ::access(path.c_str(), X_OK) == 0 && !fs::is_directory(path);
  };
  if (name.find('/') != std::string::npos) {
    if (!executable(name)) return std::nullopt;
    return fs::absolute(name).string();
  }
  const char* path = std::getenv("PATH");
  // /usr/sbin is missing from many users' PATH on Debian; nginx lives there.
  std::string dirs = std::string(path ? path : "") + ":/usr/sbin:/sbin";
  for (const auto& dir : util::split(dirs, ':')) {
    if (dir.empty() || dir.front() != '/') continue;
    if (executable(dir + "/" + name)) return dir + "/" + name;
  }
  return std::nullopt;
}

void write_file_durably(const std::string& path, const std::string& text) {
  util::Fd fd = util::open_file(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  util::write_all(fd.get(), text.data(), text.size());
  if (::fsync(fd.get()) != 0) util::throw_errno("fsync " + path);
}

bool port_accepts(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return false;
  bool accepted = false;
  for (addrinfo* ai = found; ai != nullptr && !accepted; ai = ai->ai_next) {
    util::Fd sock(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (sock.valid() && ::connect(sock.get(), ai->ai_addr, ai->ai_addrlen) == 0) accepted = true;
  }
  ::freeaddrinfo(found);
  return accepted;
}

}  // namespace

NginxProxy::NginxProxy(ProxySettings settings, ListenAddress listen)
    : settings_(std::move(settings)), listen_(std::move(listen)), layout_{settings_.prefix} {}

util::Expected<NginxProxy> NginxProxy::open(ProxySettings settings) {
  if (settings.prefix.empty()) return util::unexpected("the nginx prefix is empty");
  std::string prefix = fs::absolute(settings.prefix).lexically_normal().string();
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  settings.prefix = prefix;
  try {
    nginx_quoted(prefix, "nginx prefix");
  } catch (const util::Error& e) {
    return util::unexpected(e.what());
  }
  auto listen = parse_listen_address(settings.listen);
  if (!listen) return util::unexpected(listen.error());
  auto binary = find_binary(settings.nginx_binary);
  if (!binary) {
    return util::unexpected(fmt::format(
        "nginx not found: '{}' is not an executable (install the nginx package)", settings.nginx_binary));
  }
  settings.nginx_binary = *binary;

  NginxProxy proxy(std::move(settings), std::move(*listen));
  const NginxLayout& layout = proxy.layout_;
  std::vector<std::string> dirs = {layout.prefix, layout.conf_dir(), layout.logs_dir(), layout.temp_dir()};
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    dirs.push_back(layout.temp_dir() + "/" + kind);
  }
  for (const auto& dir : dirs) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return util::unexpected(fmt::format("cannot create {}: {}", dir, ec.message()));
  }
  return proxy;
}

std::vector<std::string> NginxProxy::nginx_argv(const std::string& config_file, bool test) const {
  std::vector<std::string> argv = {settings_.nginx_binary};
  if (test) argv.push_back("-t");
  // -p first: the master's process title repeats this command line, and
  // is_master_of looks for the prefix in it. -e keeps nginx from opening its
  // compiled-in log (under /var/log) before it has read the configuration.
  for (const std::string& arg : {std::string("-p"), layout_.prefix + "/", std::string("-e"),
                                 layout_.error_log(), std::string("-c"), config_file}) {
    argv.push_back(arg);
  }
  return argv;
}

util::Expected<std::string> NginxProxy::prepare_config(const std::string& config) const {
  std::string candidate = layout_.config_file() + ".new";
  write_file_durably(candidate, config);
  // The variable is only padding: nginx writes its process title over argv
  // and environ, and without room the end of the command line is cut off.
  auto result = run_command(nginx_argv(candidate, true), {"SLIPWAY_NGINX_PREFIX=" + layout_.prefix});
  if (util::exit_code_of(result.wait_status) != 0) {
    std::error_code ec;
    fs::remove(candidate, ec);
    return util::unexpected(fmt::format("nginx refused the configuration ({}): {}",
                                        util::describe_wait_status(result.wait_status), result.output));
  }
  return candidate;
}

void NginxProxy::start(const std::vector<Site>& sites) {
  std::string config = render_nginx_config(settings_, sites);
  if (master_pid()) {
    auto applied = apply_config(config);
    if (!applied) throw util::Error(applied.error());
    return;
  }
  auto candidate = prepare_config(config);
  if (!candidate) throw util::Error(candidate.error());
  if (::rename(candidate->c_str(), layout_.config_file().c_str()) != 0) {
    util::throw_errno("rename " + *candidate + " to " + layout_.config_file());
  }
  // nginx forks its master into a session of its own and exits: the master is
  // nobody's child here and survives this process.
  auto result =
      run_command(nginx_argv(layout_.config_file(), false), {"SLIPWAY_NGINX_PREFIX=" + layout_.prefix});
  if (util::exit_code_of(result.wait_status) != 0) {
    throw util::Error(fmt::format("nginx did not start ({}): {}",
                                  util::describe_wait_status(result.wait_status), result.output));
  }
  // The master writes its pid file just after the command returns.
  auto deadline = Clock::now() + start_timeout;
  std::optional<pid_t> master;
  while (!(master = master_pid()) && Clock::now() < deadline) std::this_thread::sleep_for(poll_interval);
  if (!master) {
    throw util::Error(fmt::format("nginx started but no master appeared in {}; error log: {}",
                                  layout_.pid_file(), error_log_tail()));
  }
  wait_until_serving(master);
}

void NginxProxy::wait_until_serving(std::optional<pid_t> master) const {
  long long start_time = util::process_start_time(*master);
  auto deadline = Clock::now() + start_timeout;
  // The master listens before it forks its workers: wait for both.
  while (!port_accepts(listen_.connect_host(), listen_.port) || active_workers(*master).empty()) {
    if (process_ended(*master, start_time)) {
      throw util::Error(fmt::format("nginx exited after starting; error log: {}", error_log_tail()));
    }
    if (Clock::now() >= deadline) {
      throw util::Error(fmt::format("nginx (pid {}) does not accept connections on {} after {} s", *master,
                                    listen_.nginx_text(), start_timeout.count()));
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

util::Expected<void> NginxProxy::apply(const std::vector<Site>& sites) {
  std::string config;
  try {
    config = render_nginx_config(settings_, sites);
  } catch (const util::Error& e) {
    return util::unexpected(e.what());
  }
  return apply_config(config);
}

util::Expected<void> NginxProxy::apply_config(const std::string& config) {
  auto master = master_pid();
  if (!master) return util::unexpected(fmt::format("nginx is not running from {}", layout_.prefix));
  auto candidate = prepare_config(config);
  if (!candidate) return util::unexpected(candidate.error());

  std::set<pid_t> old_workers = active_workers(*master);
  if (::rename(candidate->c_str(), layout_.config_file().c_str()) != 0) {
    util::throw_errno("rename " + *candidate + " to " + layout_.config_file());
  }
  if (::kill(*master, SIGHUP) != 0)
    util::throw_errno(fmt::format("reload nginx (SIGHUP to pid {})", *master));

  // A reload starts new workers, then tells the old ones to stop accepting.
  auto deadline = Clock::now() + reload_timeout;
  while (true) {
    std::set<pid_t> workers = active_workers(*master);
    bool replaced = !workers.empty();
    for (pid_t pid : workers) replaced = replaced && old_workers.count(pid) == 0;
    if (replaced) return {};
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(poll_interval);
  }
  return util::unexpected(
      fmt::format("nginx (pid {}) did not take the new configuration within {} s; error log: {}", *master,
                  reload_timeout.count(), error_log_tail()));
}

void NginxProxy::stop() {
  auto master = master_pid();
  if (!master) return;
  long long start_time = util::process_start_time(*master);
  if (::kill(*master, SIGQUIT) != 0) {
    if (errno == ESRCH) return;
    util::throw_errno(fmt::format("stop nginx (SIGQUIT to pid {})", *master));
  }
  auto deadline = Clock::now() + stop_timeout;
  bool killed = false;
  while (!process_ended(*master, start_time)) {
    if (Clock::now() >= deadline) {
      if (killed) throw util::Error(fmt::format("nginx (pid {}) does not end even after SIGKILL", *master));
      // The master leads its own process group, and its workers are in it.
      if (::kill(-*master, SIGKILL) != 0 && errno != ESRCH) {
        util::throw_errno(fmt::format("kill nginx (SIGKILL to group {})", *master));
      }
      killed = true;
      deadline = Clock::now() + stop_timeout;
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

std::optional<pid_t> NginxProxy::master_pid() const {
  return find_master(layout_.pid_file(), layout_.prefix);
}

std::string NginxProxy::error_log_tail() const {
  constexpr std::streamoff tail_bytes = 2000;
  std::ifstream in(layout_.error_log(), std::ios::binary | std::ios::ate);
  if (!in) return "(no " + layout_.error_log() + ")";
  std::streamoff size = in.tellg();
  in.seekg(size > tail_bytes ? size - tail_bytes : 0);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::string(util::trim(text));
}

}  // namespace slipway::proxy
