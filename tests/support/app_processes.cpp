#include "app_processes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "util/child_process.h"

namespace slipway::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

int read_pid(const fs::path& path) {
  std::ifstream in(path);
  int pid = 0;
  in >> pid;
  return pid;
}

bool alive(int pid) { return pid > 0 && ::kill(pid, 0) == 0; }

void wait_gone(const std::vector<int>& pids, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (int pid : pids) {
    while (alive(pid) && std::chrono::steady_clock::now() < deadline) {
      // It may be our child (adopted through the daemon's subreaper? no: the test is not one),
      // so a zombie counts as gone once its parent reaps it; poll briefly.
      std::this_thread::sleep_for(20ms);
      std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
      std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
      auto close = text.rfind(')');
      if (close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z') break;
    }
  }
}

}  // namespace

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

std::vector<int> supervisor_pids(const std::string& home) {
  std::vector<int> pids;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(home + "/apps", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == "supervisor.pid") {
      int pid = read_pid(it->path());
      if (alive(pid)) pids.push_back(pid);
    }
  }
  return pids;
}

void stop_app_processes(const std::string& home) {
  auto supervisors = supervisor_pids(home);
  // App groups recorded by supervisors, in case a supervisor is already gone.
  std::vector<std::pair<int, long long>> groups;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(home + "/apps", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() != "state.json") continue;
    std::ifstream in(it->path());
    auto state = nlohmann::json::parse(in, nullptr, false);
    if (state.is_object() && state.value("pid", 0) > 0) {
      groups.emplace_back(state.value("pid", 0), state.value("pid_start_time", 0LL));
    }
  }
  for (int pid : supervisors) ::kill(pid, SIGTERM);
  wait_gone(supervisors, 15s);
  for (int pid : supervisors) {
    if (alive(pid)) ::kill(pid, SIGKILL);
  }
  for (const auto& [pgid, start] : groups) util::signal_group_if_same(pgid, start, SIGKILL);

  int nginx = read_pid(home + "/nginx/nginx.pid");
  if (alive(nginx)) {
    ::kill(nginx, SIGQUIT);
    wait_gone({nginx}, 10s);
    if (alive(nginx)) ::kill(nginx, SIGKILL);
  }
}

}  // namespace slipway::testing
