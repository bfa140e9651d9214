#include "daemon_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "test_http.h"
#include "util/crypto.h"
#include "util/fd.h"

extern char** environ;

namespace slipway::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> base_env() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    // SLIPWAY_TEST_* are the daemon's test knobs (e.g. SLIPWAY_TEST_RETRY_BASE_MS): a test sets them on purpose.
    const bool knob = entry.rfind("SLIPWAY_TEST_", 0) == 0;
    if ((entry.rfind("SLIPWAY_", 0) == 0 && !knob) || entry.rfind("GIT_", 0) == 0) continue;
    env.push_back(entry);
  }
  return env;
}

bool wait_pid_exit(util::ChildProcess& child, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (child.try_reap()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::string& cwd,
                          const std::vector<std::string>& extra_env, std::chrono::seconds timeout) {
  util::Pipe pipe = util::make_pipe();
  util::SpawnOptions options;
  options.argv = argv;
  options.env = base_env();
  options.env.insert(options.env.end(), extra_env.begin(), extra_env.end());
  options.cwd = cwd;
  options.stdout_fd = pipe.write.get();
  auto child = util::ChildProcess::spawn(options);
  pipe.write.reset();
  CommandResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[8192];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      child.signal_group(SIGKILL);
      result.output += "\n[test: command timed out]";
      break;
    }
    pollfd pfd{pipe.read.get(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000))) <= 0) continue;
    ssize_t n = ::read(pipe.read.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  result.exit_code = util::exit_code_of(child.wait());
  return result;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

void Daemon::start(const std::string& binary, const std::string& home, const std::vector<std::string>& args) {
  fs::create_directories(home);
  fs::remove(home + "/slipway.url");
  output_path_ = home + "/daemon-" + std::to_string(::time(nullptr)) + "-" + util::random_hex(2) + ".out";
  util::Fd out = util::open_file(output_path_, O_WRONLY | O_CREAT | O_TRUNC);
  util::SpawnOptions options;
  options.argv = {binary, "serve", "--home", home, "--listen", "127.0.0.1:0"};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = base_env();
  options.stdout_fd = out.get();
  child_ = util::ChildProcess::spawn(options);
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string url = read_file(home + "/slipway.url");
    if (!url.empty() && url.back() == '\n') {
      url_ = url.substr(0, url.size() - 1);
      try {
        if (http_request("GET", url_, "/api/v1/health").status == 200) return;
      } catch (const std::exception&) {
      }
    }
    if (child_.try_reap()) break;
    std::this_thread::sleep_for(20ms);
  }
  throw std::runtime_error("slipway serve did not start:\n" + output());
}

void Daemon::stop(std::chrono::seconds patience) {
  if (!child_.running()) return;
  ::kill(child_.pid(), SIGTERM);
  if (!wait_pid_exit(child_, patience)) {
    ::kill(child_.pid(), SIGKILL);
    child_.wait();
  }
}

void Daemon::kill9() {
  if (!child_.running()) return;
  ::kill(child_.pid(), SIGKILL);
  child_.wait();
}

std::string Daemon::output() const { return read_file(output_path_); }

}  // namespace slipway::testing
