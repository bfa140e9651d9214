#include "deploy/ssh_host.h"

#include <fcntl.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "deploy/remote_command.h"
#include "util/error.h"
#include "util/fd.h"

namespace slipway::deploy {

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

// rsync splits its --rsh value itself, honouring single quotes.
std::string rsync_word(const std::string& text) {
  if (text.find('\'') != std::string::npos) throw util::Error("a path with a quote cannot be given to rsync: " + text);
  return "'" + text + "'";
}

}  // namespace

SshHost::SshHost(std::string label, pipeline::HostAddress address, SshIdentity identity)
    : label_(std::move(label)), address_(std::move(address)), identity_(std::move(identity)) {}

SshHost::~SshHost() { close_master(); }

std::vector<std::string> SshHost::ssh_argv(const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {"ssh"};
  auto options = ssh_options();
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("--");
  argv.push_back(address_.host);
  return argv;
}

util::Expected<void> SshHost::open_master(const std::string& control_path, std::chrono::milliseconds timeout,
                                          const std::atomic<bool>* stop) {
  close_master();
  // sun_path holds 108 bytes, and ssh first binds PATH.<16 random characters>: go without.
  if (control_path.size() > 90) return {};
  std::error_code ec;
  std::filesystem::remove(control_path, ec);
  const std::string log_path = control_path + ".log";
  util::Fd log = util::open_file(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  util::SpawnOptions options;
  options.argv = ssh_argv({"-M", "-N", "-o", "ControlPath=" + control_path, "-o", "ControlPersist=no"});
  options.env = util::our_environment();
  options.stdout_fd = log.get();
  options.new_session = true;
  master_ = util::ChildProcess::spawn(options);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto status = master_.try_reap()) {
      util::CapturedResult failed;
      failed.exit_code = util::exit_code_of(*status);
      failed.output = util::read_file(log_path).value_or("");
      std::filesystem::remove(log_path, ec);
      return util::unexpected(describe_failure(failed));
    }
    if (std::filesystem::exists(control_path)) {
      util::CapturedCommand check;
      check.argv = ssh_argv({"-o", "ControlPath=" + control_path, "-O", "check"});
      check.timeout = std::chrono::seconds(10);
      if (util::run_captured(check).ok()) {
        control_path_ = control_path;
        return {};
      }
    }
    const bool stopped = stop && *stop;
    if (stopped || std::chrono::steady_clock::now() >= deadline) {
      master_ = util::ChildProcess();  // kills and reaps it
      std::filesystem::remove(control_path, ec);
      std::filesystem::remove(log_path, ec);
      util::CapturedResult failed;
      failed.timed_out = !stopped;
      failed.stopped = stopped;
      return util::unexpected(describe_failure(failed));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void SshHost::close_master() {
  if (!master_.running()) return;
  if (!control_path_.empty()) {
    util::CapturedCommand exit;
    exit.argv = ssh_argv({"-o", "ControlPath=" + control_path_, "-O", "exit"});
    exit.timeout = std::chrono::seconds(5);
    util::run_captured(exit);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!master_.try_reap() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::error_code ec;
  if (!control_path_.empty()) {
    std::filesystem::remove(control_path_, ec);
    std::filesystem::remove(control_path_ + ".log", ec);
  }
  control_path_.clear();
  master_ = util::ChildProcess();  // kills and reaps it if it is still there
}

std::string master_sockets_dir(const store::HomeLayout& layout, const std::string& app) {
  return layout.ssh_dir(app) + "/mux";
}

void close_leftover_masters(const store::HomeLayout& layout) {
  std::error_code ec;
  for (const auto& app : std::filesystem::directory_iterator(layout.home() + "/ssh", ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(app.path() / "mux", ec)) {
      if (entry.path().extension() == ".log") continue;
      util::CapturedCommand exit;
      exit.argv = {"ssh", "-F", "none", "-o", "ControlPath=" + entry.path().string(), "-O", "exit", "--", "leftover"};
      exit.timeout = std::chrono::seconds(5);
      util::run_captured(exit);
      std::filesystem::remove(entry.path(), ec);
      std::filesystem::remove(entry.path().string() + ".log", ec);
    }
  }
}

std::vector<std::string> SshHost::ssh_options() const {
  std::vector<std::string> options = {
      "-F", "none",  // no user config: what Slipway does must not depend on whose ~/.ssh it runs with
      "-i", identity_.key_file,
      "-o", "IdentitiesOnly=yes",
      "-o", "IdentityAgent=none",
      "-o", "BatchMode=yes",
      "-o", "StrictHostKeyChecking=accept-new",  // pin on first use, refuse a changed key
      "-o", "UserKnownHostsFile=" + identity_.known_hosts,
      "-o", "GlobalKnownHostsFile=/dev/null",
      "-o", "ConnectTimeout=10",
      "-o", "ServerAliveInterval=15",
      "-o", "ServerAliveCountMax=4",
      "-o", "LogLevel=ERROR",
  };
  if (!control_path_.empty()) {
    // Through the master connection; should it be gone, ssh connects on its own.
    options.insert(options.end(), {"-o", "ControlPath=" + control_path_, "-o", "ControlMaster=no"});
  }
  if (address_.port > 0) {
    options.push_back("-p");
    options.push_back(std::to_string(address_.port));
  }
  if (!address_.user.empty()) {
    options.push_back("-l");
    options.push_back(address_.user);
  }
  return options;
}

util::CapturedResult SshHost::run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                  const std::atomic<bool>* stop, const std::string& input) const {
  util::CapturedCommand command;
  command.argv = ssh_argv({});
  command.argv.push_back(remote_command_line(argv));
  command.input = input;
  command.timeout = timeout;
  command.stop = stop;
  return util::run_captured(command);
}

util::CapturedResult SshHost::script(const std::string& script, const std::vector<std::string>& args,
                                     std::chrono::milliseconds timeout, const std::atomic<bool>* stop,
                                     const std::string& input) const {
  std::vector<std::string> argv = {"sh", "-c", script, "slipway"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, timeout, stop, input);
}

util::CapturedResult SshHost::rsync(const std::string& source, const std::string& remote_path,
                                    const std::string& link_dest, std::chrono::milliseconds timeout,
                                    const std::atomic<bool>* stop) const {
  std::string rsh = "ssh";
  for (const auto& option : ssh_options()) rsh += " " + rsync_word(option);
  const bool ipv6 = address_.host.find(':') != std::string::npos;
  std::string destination = ipv6 ? "[" + address_.host + "]" : address_.host;
  if (!address_.user.empty()) destination = address_.user + "@" + destination;
  util::CapturedCommand command;
  // --protect-args: the remote paths reach the remote rsync as they are, not through its shell.
  // --checksum without times: every release is a fresh checkout with fresh mtimes, so files are
  // compared by content, and an unchanged one becomes a hard link to the --link-dest copy.
  command.argv = {"rsync", "-a", "--no-times", "--checksum", "--delete", "--stats", "--protect-args", "--rsh=" + rsh};
  if (!link_dest.empty()) command.argv.push_back("--link-dest=" + link_dest);
  command.argv.push_back("--");
  command.argv.push_back(source);
  command.argv.push_back(destination + ":" + remote_path);
  command.timeout = timeout;
  command.stop = stop;
  return util::run_captured(command);
}

std::string SshHost::describe_failure(const util::CapturedResult& result) const {
  const auto& out = result.output;
  if (result.timed_out) return label_ + ": timed out";
  if (result.stopped) return label_ + ": stopped because slipway is stopping";
  if (contains(out, "REMOTE HOST IDENTIFICATION HAS CHANGED") || contains(out, "Host key verification failed")) {
    return label_ + ": the host key has CHANGED since it was pinned; refusing to connect (if the host was "
                    "reinstalled on purpose: slipway ssh-key forget APP " + address_.host + ")";
  }
  if (result.exit_code == 255 && contains(out, "Permission denied (")) {
    return label_ + ": the host refused slipway's key (install it with: slipway ssh-key show APP)";
  }
  if (result.exit_code == 255) return label_ + ": cannot connect: " + last_line(out);
  std::string line = last_line(out);
  return label_ + ": " + (line.empty() ? "exit status " + std::to_string(result.exit_code) : line);
}

long long rsync_bytes_sent(const std::string& output) {
  auto at = output.find("Total bytes sent:");
  if (at == std::string::npos) return -1;
  long long value = 0;
  bool any = false;
  for (std::size_t i = at + 17; i < output.size() && output[i] != '\n'; ++i) {
    if (output[i] >= '0' && output[i] <= '9') {
      value = value * 10 + (output[i] - '0');
      any = true;
    }
  }
  return any ? value : -1;
}

}  // namespace slipway::deploy
