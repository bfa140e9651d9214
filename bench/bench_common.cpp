#include "bench_common.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <thread>

#include "app_processes.h"
#include "cli/human_format.h"
#include "store/sqlite_store.h"
#include "util/crypto.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::bench {

namespace fs = std::filesystem;
using namespace slipway::testing;

std::vector<Row> rows;

void print_rows() {
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.what.size());
  std::printf("%-*s  %-34s  %s\n", static_cast<int>(width), "measure", "result", "target");
  for (const auto& row : rows) {
    std::printf("%-*s  %-34s  %s\n", static_cast<int>(width), row.what.c_str(), row.result.c_str(),
                row.target.c_str());
  }
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t stamp(const nlohmann::json& value) {
  if (!value.is_string()) return 0;
  return cli::parse_timestamp(value.get<std::string>()).value_or(0);
}

std::optional<std::string> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (const auto& dir : util::split(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = std::string(dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// --- Bench ---

Bench::Bench() {
  char pattern[] = "/tmp/slipway-bench-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  if (made == nullptr) throw std::runtime_error("mkdtemp /tmp/slipway-bench-XXXXXX failed");
  root_ = made;
  home_ = root_ + "/home";
  fs::create_directories(home_);
}

Bench::~Bench() {
  daemon_.stop();
  stop_app_processes(home_);  // nginx and deployed apps outlive the daemon on purpose
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void Bench::start(const std::vector<std::string>& args) { daemon_.start(SLIPWAY_BINARY, home_, args); }

void Bench::start_with_proxy() {
  proxy_port_ = free_port();
  start({"--proxy-listen", "127.0.0.1:" + std::to_string(proxy_port_), "--stop-grace", "3"});
}

std::string Bench::proxy_url() const { return "http://127.0.0.1:" + std::to_string(proxy_port_); }

HttpResult Bench::via_proxy(const std::string& host, const std::string& path) {
  try {
    return http_request("GET", proxy_url(), path, "", {{"Host", host}});
  } catch (const std::exception& e) {
    return HttpResult{0, e.what(), {}};
  }
}

CommandResult Bench::git(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      "git", "-c", "user.name=b", "-c", "user.email=b@localhost", "-c", "commit.gpgsign=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run_command(argv, dir, {"HOME=" + root_, "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1"});
  if (result.exit_code != 0) throw std::runtime_error("git " + args[0] + ": " + result.output);
  return result;
}

std::string Bench::commit(const std::string& project, const std::map<std::string, std::string>& files) {
  std::string dir = root_ + "/src-" + project;
  if (!fs::exists(dir + "/.git")) {
    fs::create_directories(dir);
    git(dir, {"init", "-q", "-b", "main"});
  }
  for (const auto& [path, content] : files) write_file(dir + "/" + path, content);
  git(dir, {"add", "-A"});
  git(dir, {"commit", "-q", "--allow-empty", "-m", "bench"});
  return dir;
}

void Bench::push(const std::string& project) {
  std::string url = daemon_.url();
  git(root_ + "/src-" + project,
      {"push", "-q", "--force", "http://b:" + token() + "@" + url.substr(7) + "/git/" + project + ".git",
       "HEAD:main"});
}

nlohmann::json Bench::wait_deployments(const std::string& app, std::size_t count,
                                       std::chrono::seconds limit) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    auto list = api("GET", "/apps/" + app + "/deployments").json()["deployments"];
    if (list.size() >= count) return wait_deployment(list[0]["id"].get<long>(), limit);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error(
      fmt::format("{} has fewer than {} deployments after {} s", app, count, limit.count()));
}

nlohmann::json Bench::wait_deployment(long id, std::chrono::seconds limit) {
  auto deadline = Clock::now() + limit;
  nlohmann::json deployment;
  while (Clock::now() < deadline) {
    deployment = api("GET", "/deployments/" + std::to_string(id)).json();
    std::string status = deployment.value("status", "");
    if (!status.empty() && status != "queued" && status != "running") return deployment;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("deployment did not end: " + deployment.dump());
}

std::string Bench::deployment_log(const nlohmann::json& deployment) {
  return api("GET", "/deployments/" + std::to_string(deployment["id"].get<long>()) + "/log").body;
}

double Bench::wait_served(const std::string& host, const std::string& wanted, Clock::time_point start,
                          int& failures, std::chrono::seconds limit) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    auto result = via_proxy(host);
    if (result.status != 200) ++failures;
    if (result.status == 200 && result.body.find(wanted) != std::string::npos) return ms_since(start);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  throw std::runtime_error(fmt::format("{} did not serve '{}' within {} s", host, wanted, limit.count()));
}

std::string Bench::token() {
  if (token_.empty()) {
    auto store = store::SqliteStore::open(home_ + "/slipway.db");
    token_ = "slw_" + util::random_hex(20);
    store.value()->create_token("bench", store::Role::admin, util::sha256_hex(token_));
  }
  return token_;
}

HttpResult Bench::api(const std::string& method, const std::string& path, const nlohmann::json& body) {
  return http_request(method, daemon_.url(), "/api/v1" + path, body.is_null() ? "" : body.dump(),
                      {{"Authorization", "Bearer " + token()}});
}

void Bench::project_with(const std::string& project, const std::string& yml) {
  api("POST", "/projects", {{"name", project}});
  std::string dir = root_ + "/src-" + project;
  fs::create_directories(dir);
  write_file(dir + "/slipway.yml", yml);
  std::vector<std::string> git = {"git", "-c", "user.name=b", "-c", "user.email=b@localhost"};
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = git;
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run_command(argv, dir, {"HOME=" + root_});
    if (result.exit_code != 0) throw std::runtime_error(result.output);
  };
  run({"init", "-q", "-b", "main"});
  run({"add", "-A"});
  run({"commit", "-q", "-m", "bench"});
  std::string url = daemon_.url();
  run({"push", "-q", "http://b:" + token() + "@" + url.substr(7) + "/git/" + project + ".git", "HEAD:main"});
  wait_idle(project, 1);
}

void Bench::wait_idle(const std::string& project, std::size_t count) {
  for (int i = 0; i < 20000; ++i) {
    auto queued = api("GET", "/runs?status=queued&limit=1").json()["runs"].size();
    auto running = api("GET", "/runs?status=running&limit=1").json()["runs"].size();
    auto total = api("GET", "/runs?project=" + project + "&limit=1").json()["runs"];
    if (queued == 0 && running == 0 && !total.empty() && total[0]["id"].get<std::size_t>() >= count) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("runs did not finish");
}

// --- wrk ---

namespace {

double wrk_duration_ms(const std::string& value, const std::string& unit) {
  double v = std::stod(value);
  if (unit == "us") return v / 1000;
  if (unit == "ms") return v;
  if (unit == "s") return v * 1000;
  if (unit == "m") return v * 60000;
  return v * 3600000;
}

}  // namespace

WrkResult parse_wrk(const std::string& out) {
  WrkResult r;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"((\d+) requests in ([\d.]+)(us|ms|s|m))"))) {
    r.requests = std::stol(m[1]);
    r.seconds = wrk_duration_ms(m[2], m[3]) / 1000;
  } else {
    throw std::runtime_error("unexpected wrk output: " + out);
  }
  if (std::regex_search(out, m, std::regex(R"(Non-2xx or 3xx responses: (\d+))")))
    r.non_2xx = std::stol(m[1]);
  if (std::regex_search(
          out, m, std::regex(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))"))) {
    r.socket_errors = std::stol(m[1]) + std::stol(m[2]) + std::stol(m[3]) + std::stol(m[4]);
    r.socket_detail = fmt::format("connect {}, read {}, write {}, timeout {}", m[1].str(), m[2].str(),
                                  m[3].str(), m[4].str());
  }
  if (std::regex_search(out, m, std::regex(R"(\n\s+50%\s+([\d.]+)(us|ms|s|m|h))")))
    r.p50_ms = wrk_duration_ms(m[1], m[2]);
  if (std::regex_search(out, m, std::regex(R"(\n\s+99%\s+([\d.]+)(us|ms|s|m|h))")))
    r.p99_ms = wrk_duration_ms(m[1], m[2]);
  if (std::regex_search(out, m, std::regex(R"(Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m|h))"))) {
    r.max_ms = wrk_duration_ms(m[1], m[2]);
  }
  return r;
}

std::vector<std::string> wrk_argv(const std::string& wrk, const Bench& bench, int seconds,
                                  const std::string& host) {
  return {
      wrk,        "-t1", "-c4", fmt::format("-d{}s", seconds), "-H", "Host: " + host, bench.proxy_url() + "/",
      "--latency"};
}

std::vector<std::string> with_stall_script(std::vector<std::string> argv, const std::string& dir,
                                           const std::string& name, double threshold_ms) {
  // LuaJIT's ffi for a wall clock in ms (wrk gives its scripts none); "END_MS GAP_MS" a line.
  const std::string script =
      "local ffi = require('ffi')\n"
      "ffi.cdef[[ typedef struct { long tv_sec; long tv_usec; } bench_timeval;\n"
      "           int gettimeofday(bench_timeval *tv, void *tz); ]]\n"
      "local tv = ffi.new('bench_timeval')\n"
      "local function now()\n"
      "  ffi.C.gettimeofday(tv, nil)\n"
      "  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000\n"
      "end\n"
      "local out = io.open('" +
      dir + "/" + name +
      ".gaps', 'w')\n"
      "local last = nil\n"
      "response = function(status, headers, body)\n"
      "  local t = now()\n"
      "  if last and t - last > " +
      fmt::format("{:.0f}", threshold_ms) +
      " then\n"
      "    out:write(string.format('%.0f %.1f\\n', t, t - last))\n"
      "    out:flush()\n"
      "  end\n"
      "  last = t\n"
      "end\n";
  write_file(dir + "/" + name + ".lua", script);
  argv.insert(argv.begin() + 1, {"-s", dir + "/" + name + ".lua"});
  return argv;
}

std::vector<Stall> read_stalls(const std::string& dir, const std::string& name) {
  std::vector<Stall> stalls;
  for (const auto& line : util::split(read_file(dir + "/" + name + ".gaps"), '\n')) {
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    const double end = std::stod(line.substr(0, space));
    const double gap = std::stod(line.substr(space + 1));
    stalls.push_back({static_cast<std::int64_t>(end - gap), gap});
  }
  return stalls;
}

BackgroundWrk BackgroundWrk::start(const std::vector<std::string>& argv, const std::string& out_path) {
  util::Fd out = util::open_file(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  util::SpawnOptions options;
  options.argv = argv;
  options.env = {"PATH=/usr/bin:/bin"};
  options.stdout_fd = out.get();
  return BackgroundWrk(out_path, util::ChildProcess::spawn(options));
}

WrkResult BackgroundWrk::stop() {
  child_.signal_group(SIGINT);
  std::optional<int> status;
  for (int i = 0; i < 250 && !(status = child_.try_reap()); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (!status) {
    child_.signal_group(SIGKILL);
    child_.wait();
    throw std::runtime_error("wrk did not stop on SIGINT");
  }
  return parse_wrk(read_file(out_path_));
}

}  // namespace slipway::bench
