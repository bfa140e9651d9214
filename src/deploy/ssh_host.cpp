#include "deploy/ssh_host.h"

#include <sstream>

#include "deploy/remote_command.h"
#include "util/error.h"

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
  command.argv = {"ssh"};
  auto options = ssh_options();
  command.argv.insert(command.argv.end(), options.begin(), options.end());
  command.argv.push_back("--");
  command.argv.push_back(address_.host);
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
