#include "proxy/nginx_processes.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/child_process.h"
#include "util/strings.h"

namespace slipway::proxy {

namespace {

std::string proc_file(pid_t pid, const char* name) { return "/proc/" + std::to_string(pid) + "/" + name; }

// The process title (argv area), NULs shown as spaces.
std::string title_of(pid_t pid) {
  std::ifstream in(proc_file(pid, "cmdline"), std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

struct ProcStat {
  char state = 0;
  pid_t ppid = 0;
};

std::optional<ProcStat> stat_of(pid_t pid) {
  std::ifstream in(proc_file(pid, "stat"));
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name may hold spaces and parentheses: parse after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 > line.size()) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  ProcStat stat;
  if (!(fields >> stat.state >> stat.ppid)) return std::nullopt;
  return stat;
}

bool starts_with(const std::string& text, const std::string& start) { return text.rfind(start, 0) == 0; }

}  // namespace

bool is_master_of(pid_t pid, const std::string& prefix) {
  auto stat = stat_of(pid);
  if (!stat || stat->state == 'Z') return false;
  std::string title = title_of(pid) + " ";
  if (!starts_with(title, "nginx: master process ")) return false;
  return title.find(" -p " + prefix + "/ ") != std::string::npos ||
         title.find(" -p " + prefix + " ") != std::string::npos;
}

std::optional<pid_t> find_master(const std::string& pid_file, const std::string& prefix) {
  std::ifstream in(pid_file);
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  unsigned long long pid = 0;
  if (!util::parse_uint(util::trim(text), pid) || pid <= 1 || pid > 4194304) return std::nullopt;
  if (!is_master_of(static_cast<pid_t>(pid), prefix)) return std::nullopt;
  return static_cast<pid_t>(pid);
}

std::set<pid_t> active_workers(pid_t master) {
  std::set<pid_t> workers;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename();
    unsigned long long pid = 0;
    if (!util::parse_uint(name, pid)) continue;
    auto stat = stat_of(static_cast<pid_t>(pid));
    if (!stat || stat->ppid != master || stat->state == 'Z') continue;
    if (title_of(static_cast<pid_t>(pid)) == "nginx: worker process") workers.insert(static_cast<pid_t>(pid));
  }
  return workers;
}

bool process_ended(pid_t pid, long long start_time) {
  auto stat = stat_of(pid);
  if (!stat || stat->state == 'Z') return true;
  return util::process_start_time(pid) != start_time;
}

}  // namespace slipway::proxy
