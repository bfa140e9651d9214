// Benchmarks of the CI core against the real daemon (see docs/benchmarks.md):
//  a) trigger -> run finished latency of a one-step no-op pipeline
//  b) throughput of 1000 runs queued at once
//  c) daemon RSS idle and after many runs
//  d) run-list API latency with 100,000 runs in the database
//  e) capturing 100 MB of step output versus the same command to /dev/null
// and of local deployments (the daemon's own nginx on a loopback port):
//  f) push -> live for a static site, and Slipway's overhead beyond the step
//  g) 20 consecutive deploys of a gunicorn app under wrk load vs steady state
//  h) rollback -> the old version served through nginx
// and of deployments over SSH (three hosts in network namespaces; needs root):
//  i) a 50 MB app to 3 hosts, first and incremental (restart in place, behind nginx), vs rsync by hand
// Usage: slipway_bench [--quick] [--only a,b,c,d,e,f,g,h,i]
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app_processes.h"
#include "cli/human_format.h"
#include "daemon_process.h"
#include "sample_app.h"
#include "ssh_hosts.h"
#include "store/sqlite_store.h"
#include "test_http.h"
#include "util/child_process.h"
#include "util/crypto.h"
#include "util/fd.h"
#include "util/strings.h"

namespace fs = std::filesystem;
using namespace slipway;
using namespace slipway::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct Row {
  std::string what;
  std::string result;
  std::string target;
};
std::vector<Row> rows;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

long status_kib(pid_t pid, const std::string& field) {
  auto status = read_file("/proc/" + std::to_string(pid) + "/status");
  auto at = status.find(field + ":");
  if (at == std::string::npos) return -1;
  return std::stol(status.substr(at + field.size() + 1));
}

// "13.8 MB (anon 1.8, files 12.0)": the heap and stack, and the pages of the
// binary and shared libraries (shared with every other process using them).
std::string rss_text(pid_t pid) {
  return fmt::format("{:.1f} MB (anon {:.1f}, files {:.1f})", status_kib(pid, "VmRSS") / 1024.0,
                     status_kib(pid, "RssAnon") / 1024.0, status_kib(pid, "RssFile") / 1024.0);
}

class Bench {
 public:
  Bench() {
    char pattern[] = "/tmp/slipway-bench-XXXXXX";
    root_ = ::mkdtemp(pattern);
    home_ = root_ + "/home";
    fs::create_directories(home_);
  }
  ~Bench() {
    daemon_.stop();
    stop_app_processes(home_);  // nginx and deployed apps outlive the daemon on purpose
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void start(const std::vector<std::string>& args = {}) { daemon_.start(SLIPWAY_BINARY, home_, args); }

  // Starts the daemon with its nginx on a free loopback port (local deployments).
  void start_with_proxy() {
    proxy_port_ = free_port();
    start({"--proxy-listen", "127.0.0.1:" + std::to_string(proxy_port_), "--stop-grace", "3"});
  }
  std::string proxy_url() const { return "http://127.0.0.1:" + std::to_string(proxy_port_); }

  // GET / through the daemon's nginx as HOST; status 0 when the connection failed.
  HttpResult via_proxy(const std::string& host, const std::string& path = "/") {
    try {
      return http_request("GET", proxy_url(), path, "", {{"Host", host}});
    } catch (const std::exception& e) {
      return HttpResult{0, e.what(), {}};
    }
  }

  CommandResult git(const std::string& dir, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-c", "user.name=b", "-c", "user.email=b@localhost", "-c",
                                     "commit.gpgsign=false"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run_command(argv, dir, {"HOME=" + root_, "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1"});
    if (result.exit_code != 0) throw std::runtime_error("git " + args[0] + ": " + result.output);
    return result;
  }

  // Commits FILES in the work repository of PROJECT (made on first use).
  std::string commit(const std::string& project, const std::map<std::string, std::string>& files) {
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

  void push(const std::string& project) {
    std::string url = daemon_.url();
    git(root_ + "/src-" + project,
        {"push", "-q", "--force", "http://b:" + token() + "@" + url.substr(7) + "/git/" + project + ".git", "HEAD:main"});
  }

  // Waits until APP has COUNT deployments and the newest has ended; returns it.
  nlohmann::json wait_deployments(const std::string& app, std::size_t count, std::chrono::seconds limit) {
    auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      auto list = api("GET", "/apps/" + app + "/deployments").json()["deployments"];
      if (list.size() >= count) return wait_deployment(list[0]["id"].get<long>(), limit);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error(fmt::format("{} has fewer than {} deployments after {} s", app, count, limit.count()));
  }

  nlohmann::json wait_deployment(long id, std::chrono::seconds limit) {
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

  // Polls GET / through nginx every 5 ms until the body contains WANTED;
  // returns the milliseconds since START and counts answers that were not 200.
  double wait_served(const std::string& host, const std::string& wanted, Clock::time_point start, int& failures,
                     std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      auto result = via_proxy(host);
      if (result.status != 200) ++failures;
      if (result.status == 200 && result.body.find(wanted) != std::string::npos) return ms_since(start);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    throw std::runtime_error(fmt::format("{} did not serve '{}' within {} s", host, wanted, limit.count()));
  }

  std::string token() {
    if (token_.empty()) {
      auto store = store::SqliteStore::open(home_ + "/slipway.db");
      token_ = "slw_" + util::random_hex(20);
      store.value()->create_token("bench", store::Role::admin, util::sha256_hex(token_));
    }
    return token_;
  }

  HttpResult api(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) {
    return http_request(method, daemon_.url(), "/api/v1" + path, body.is_null() ? "" : body.dump(),
                        {{"Authorization", "Bearer " + token()}});
  }

  // Creates PROJECT and pushes a repository whose pipeline is YML.
  void project_with(const std::string& project, const std::string& yml) {
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

  // Waits until PROJECT has at least COUNT runs and none is queued or running.
  void wait_idle(const std::string& project, std::size_t count) {
    for (int i = 0; i < 20000; ++i) {
      auto queued = api("GET", "/runs?status=queued&limit=1").json()["runs"].size();
      auto running = api("GET", "/runs?status=running&limit=1").json()["runs"].size();
      auto total = api("GET", "/runs?project=" + project + "&limit=1").json()["runs"];
      if (queued == 0 && running == 0 && !total.empty() && total[0]["id"].get<std::size_t>() >= count) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("runs did not finish");
  }

  std::string root_;
  std::string home_;
  std::string token_;
  int proxy_port_ = 0;
  Daemon daemon_;
};

const char* kNoop = "steps:\n  noop:\n    run: 'true'\n";

void bench_latency(int count) {
  Bench bench;
  bench.start();
  bench.project_with("noop", kNoop);
  std::vector<double> latencies;
  for (int i = 0; i < count; ++i) {
    auto start = Clock::now();
    auto run = bench.api("POST", "/projects/noop/runs").json();
    auto stream = read_event_stream(bench.daemon_.url(), "/api/v1/runs/" + std::to_string(run["id"].get<long>()) + "/events",
                                    {{"Authorization", "Bearer " + bench.token()}}, 30);
    latencies.push_back(ms_since(start));
    if (stream.find("\"status\":\"success\"") == std::string::npos) throw std::runtime_error("run failed: " + stream);
  }
  rows.push_back({fmt::format("(a) trigger -> finished, 1 no-op step, {} runs: median", count),
                  fmt::format("{:.1f} ms", percentile(latencies, 50)), "<= 12 ms"});
  rows.push_back({"(a) same: p95", fmt::format("{:.1f} ms", percentile(latencies, 95)), ""});
}

void bench_throughput_and_memory(int count, int memory_runs) {
  Bench bench;
  bench.start({"--executors", std::to_string(std::max(1u, std::thread::hardware_concurrency()))});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  rows.push_back({"(c) daemon RSS, idle", rss_text(bench.daemon_.pid()), "<= 9 MB"});
  bench.project_with("noop", kNoop);
  auto start = Clock::now();
  for (int i = 0; i < count; ++i) bench.api("POST", "/projects/noop/runs");
  double queued_ms = ms_since(start);
  bench.wait_idle("noop", static_cast<std::size_t>(count) + 1);
  double total_ms = ms_since(start);
  rows.push_back({fmt::format("(b) {} runs queued at once: throughput", count),
                  fmt::format("{:.0f} runs/s", count / (total_ms / 1000.0)), ">= 200 runs/s"});
  rows.push_back({"(b) same: time to queue them (API)", fmt::format("{:.0f} ms", queued_ms), ""});
  int done = count + 1;
  std::vector<std::pair<int, std::string>> memory;
  while (done < memory_runs) {
    int batch = std::min(1000, memory_runs - done);
    for (int i = 0; i < batch; ++i) bench.api("POST", "/projects/noop/runs");
    done += batch;
    bench.wait_idle("noop", static_cast<std::size_t>(done));
    if (done % 2500 < 1000 || done >= memory_runs) memory.emplace_back(done, rss_text(bench.daemon_.pid()));
  }
  for (const auto& [runs, text] : memory) {
    rows.push_back({fmt::format("(c) daemon RSS after {} runs", runs), text,
                    runs >= 10000 ? "<= 15 MB, flat" : ""});
  }
}

void bench_run_list(int runs_in_db, int requests) {
  Bench bench;
  {
    auto store = store::SqliteStore::open(bench.home_ + "/slipway.db");
    auto& s = *store.value();
    store::Project project;
    project.name = "big";
    auto p = s.create_project(project);
    store::Project other;
    other.name = "other";
    auto o = s.create_project(other);
    // One transaction: the point is the read path, not insert speed.
    s.transaction([&] {
      for (int i = 0; i < runs_in_db; ++i) {
        store::Run run;
        run.project_id = i % 10 == 0 ? o.id : p.id;
        run.status = i % 7 == 0 ? store::RunStatus::failed : store::RunStatus::success;
        run.trigger = "push";
        run.branch = i % 3 == 0 ? "main" : "feature/" + std::to_string(i % 50);
        run.commit = util::sha256_hex(std::to_string(i)).substr(0, 40);
        run.message = "commit message number " + std::to_string(i);
        run.started_at = run.finished_at = 1;
        s.create_run(run);
      }
    });
  }
  bench.start();
  for (const std::string query : {"/runs?limit=50", "/runs?project=other&limit=50", "/runs?status=failed&limit=50",
                                  "/runs?project=big&before=50000&limit=50"}) {
    std::vector<double> latencies;
    for (int i = 0; i < requests; ++i) {
      auto start = Clock::now();
      auto result = bench.api("GET", query);
      latencies.push_back(ms_since(start));
      if (result.status != 200) throw std::runtime_error(result.body);
    }
    rows.push_back({fmt::format("(d) GET {} with {} runs: p50", query, runs_in_db),
                    fmt::format("{:.2f} ms", percentile(latencies, 50)), ""});
    rows.push_back({"(d) same: p99", fmt::format("{:.2f} ms", percentile(latencies, 99)), "<= 5 ms"});
  }
}

void bench_capture(long long bytes) {
  const std::string command = fmt::format("yes 'slipway benchmark line of output, 64 bytes wide.............' | head -c {}", bytes);
  // Baseline: the same command with its output thrown away.
  std::vector<double> baseline;
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    run_command({"/bin/sh", "-e", "-c", command + " > /dev/null"});
    baseline.push_back(ms_since(start));
  }
  // The floor for any capture: the same output written to a file by the shell.
  std::vector<double> to_file;
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    run_command({"/bin/sh", "-e", "-c", command + " > \"$0\"", "/tmp/slipway-bench-capture.out"});
    to_file.push_back(ms_since(start));
  }
  fs::remove("/tmp/slipway-bench-capture.out");
  Bench bench;
  bench.start();
  bench.project_with("loud", "steps:\n  loud:\n    run: \"" + command + "\"\n");
  std::vector<double> captured;
  for (int i = 0; i < 3; ++i) {
    auto run = bench.api("POST", "/projects/loud/runs").json();
    auto id = std::to_string(run["id"].get<long>());
    read_event_stream(bench.daemon_.url(), "/api/v1/runs/" + id + "/events?x=1",
                      {{"Authorization", "Bearer " + bench.token()}, {"Last-Event-ID", "o=0,999999999999"}}, 120);
    auto steps = bench.api("GET", "/runs/" + id).json()["steps"];
    auto& step = steps[1];
    if (step["log_size"].get<long long>() != bytes) throw std::runtime_error("log size mismatch: " + step.dump());
    // The step's own wall time, measured by the daemon (ms resolution).
    captured.push_back(static_cast<double>(*cli::parse_timestamp(step["finished_at"].get<std::string>()) -
                                           *cli::parse_timestamp(step["started_at"].get<std::string>())));
  }
  double base = percentile(baseline, 50);
  double with = percentile(captured, 50);
  rows.push_back({fmt::format("(e) {} MB of step output, to /dev/null (sh directly)", bytes / 1000000), fmt::format("{:.0f} ms", base), ""});
  rows.push_back({"(e) same, redirected to a file by sh", fmt::format("{:.0f} ms", percentile(to_file, 50)), ""});
  rows.push_back({"(e) same, captured to the step log by slipway", fmt::format("{:.0f} ms ({:+.0f}%)", with, (with / base - 1) * 100),
                  "<= +10%"});
}

// --- local deployments (f, g, h) ---

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t stamp(const nlohmann::json& value) {
  if (!value.is_string()) return 0;
  return cli::parse_timestamp(value.get<std::string>()).value_or(0);
}

// When the deployment log says each phase ended (ms since the epoch; 0 when absent).
struct Phases {
  std::int64_t created = 0, started = 0, launched = 0, healthy = 0, live = 0, drained = 0, stopped = 0, finished = 0;
};

Phases phases_of(Bench& bench, const nlohmann::json& deployment) {
  Phases p;
  p.started = stamp(deployment["started_at"]);
  p.finished = stamp(deployment["finished_at"]);
  auto log = bench.api("GET", "/deployments/" + std::to_string(deployment["id"].get<long>()) + "/log").body;
  for (const auto& line : util::split(log, '\n')) {
    auto gap = line.find("  ");
    if (gap == std::string::npos) continue;
    auto at = cli::parse_timestamp(line.substr(0, gap)).value_or(0);
    std::string text = line.substr(gap + 2);
    if (text.rfind("started web.1", 0) == 0) p.launched = at;
    if (text.find(" is healthy") != std::string::npos) p.healthy = at;
    if (text.find(" is live at ") != std::string::npos) p.live = at;
    if (text.rfind("draining ", 0) == 0) p.drained = at;
    if (text.rfind("stopped ", 0) == 0 && text.find("old instance") != std::string::npos) p.stopped = at;
  }
  return p;
}

double median_of(const std::vector<Phases>& all, std::int64_t Phases::*from, std::int64_t Phases::*to) {
  std::vector<double> values;
  for (const auto& p : all) {
    if (p.*from > 0 && p.*to > 0) values.push_back(static_cast<double>(p.*to - p.*from));
  }
  return values.empty() ? -1 : percentile(values, 50);
}

const char* kStaticPipeline = R"yml(steps:
  test:
    run: test -s index.html
deploy:
  production:
    target: local
    health: {path: /healthz}
    drain: 1s
)yml";

void bench_static_push(int pushes) {
  Bench bench;
  bench.start_with_proxy();
  bench.api("POST", "/projects", {{"name", "site"}});
  bench.commit("site", {{"index.html", "<p>site version 0</p>\n"}, {"healthz", "ok\n"}, {"slipway.yml", kStaticPipeline}});
  bench.push("site");
  auto first = bench.wait_deployments("site", 1, std::chrono::seconds(60));
  if (first["status"] != "success") throw std::runtime_error("static deploy failed: " + first.dump());
  int failures = 0;
  bench.wait_served("site.localhost", "site version 0", Clock::now(), failures);

  std::vector<double> totals, overheads, git_push, to_run_start, run_ms, step_ms, to_deploy, deploy_ms, to_seen;
  std::vector<Phases> phases;
  for (int i = 1; i <= pushes; ++i) {
    const std::string wanted = fmt::format("site version {}", i);
    bench.commit("site", {{"index.html", "<p>" + wanted + "</p>\n"}});
    const auto pushed_wall = wall_ms();
    const auto start = Clock::now();
    bench.push("site");
    git_push.push_back(ms_since(start));
    double total = bench.wait_served("site.localhost", wanted, start, failures);
    const auto seen_wall = wall_ms();
    totals.push_back(total);

    auto deployment = bench.wait_deployments("site", static_cast<std::size_t>(i) + 1, std::chrono::seconds(60));
    if (deployment["status"] != "success") throw std::runtime_error("static deploy failed: " + deployment.dump());
    auto run_list = bench.api("GET", "/runs?project=site&limit=1").json()["runs"];
    auto run = bench.api("GET", "/runs/" + std::to_string(run_list[0]["id"].get<long>())).json();
    double step = -1;
    for (const auto& s : run["steps"]) {
      if (s["name"] == "test") step = static_cast<double>(stamp(s["finished_at"]) - stamp(s["started_at"]));
    }
    if (step < 0) throw std::runtime_error("no step 'test' in " + run.dump());
    step_ms.push_back(step);
    overheads.push_back(total - step);
    to_run_start.push_back(static_cast<double>(stamp(run["started_at"]) - pushed_wall));
    run_ms.push_back(static_cast<double>(stamp(run["finished_at"]) - stamp(run["started_at"])));
    to_deploy.push_back(static_cast<double>(stamp(deployment["started_at"]) - stamp(run["finished_at"])));
    deploy_ms.push_back(static_cast<double>(stamp(deployment["finished_at"]) - stamp(deployment["started_at"])));
    to_seen.push_back(static_cast<double>(seen_wall - stamp(deployment["finished_at"])));
    phases.push_back(phases_of(bench, deployment));
  }
  rows.push_back({fmt::format("(f) static site: git push -> new page via nginx, {} pushes: median", pushes),
                  fmt::format("{:.0f} ms (min {:.0f}, max {:.0f})", percentile(totals, 50), percentile(totals, 0),
                              percentile(totals, 100)),
                  ""});
  rows.push_back({"(f) same: Slipway overhead (total - the step's own time)",
                  fmt::format("{:.0f} ms (step {:.0f} ms)", percentile(overheads, 50), percentile(step_ms, 50)),
                  "<= 500 ms"});
  rows.push_back({"(f) where: `git push` command (client) / push start -> run started",
                  fmt::format("{:.0f} / {:.0f} ms", percentile(git_push, 50), percentile(to_run_start, 50)), ""});
  rows.push_back({"(f) where: run started -> finished / run finished -> deploy started",
                  fmt::format("{:.0f} / {:.0f} ms", percentile(run_ms, 50), percentile(to_deploy, 50)), ""});
  rows.push_back({"(f) where: deployment (release, nginx reload) / deploy end -> seen",
                  fmt::format("{:.0f} / {:.0f} ms", percentile(deploy_ms, 50), percentile(to_seen, 50)), ""});
  rows.push_back({"(f) deployment: started -> live (nginx reloaded) -> ended (deploy log)",
                  fmt::format("{:.0f} + {:.0f} ms", median_of(phases, &Phases::started, &Phases::live),
                              median_of(phases, &Phases::live, &Phases::finished)),
                  ""});
  if (failures > 0) rows.push_back({"(f) non-200 answers while polling", std::to_string(failures), "0"});
}

// The app of the end-to-end tests (tests/support/sample_app.h).
constexpr const char* kGunicornApp = testing::kSampleApp;
constexpr const char* kGunicornProcfile = testing::kSampleProcfile;
constexpr const char* kGunicornPipeline = testing::kSamplePipeline;

// A daemon with the gunicorn app "shop" deployed twice: releases 1 and 2,
// release 2 live.
void two_releases(Bench& bench) {
  bench.start_with_proxy();
  bench.api("POST", "/projects", {{"name", "shop"}});
  bench.commit("shop", {{"app.py", kGunicornApp}, {"Procfile", kGunicornProcfile}, {"slipway.yml", kGunicornPipeline},
                        {"VERSION", "1"}});
  bench.push("shop");
  auto first = bench.wait_deployments("shop", 1, std::chrono::seconds(90));
  if (first["status"] != "success") throw std::runtime_error("deploy 1 failed: " + first.dump());
  bench.commit("shop", {{"VERSION", "2"}});
  bench.push("shop");
  auto second = bench.wait_deployments("shop", 2, std::chrono::seconds(90));
  if (second["status"] != "success") throw std::runtime_error("deploy 2 failed: " + second.dump());
  int failures = 0;
  bench.wait_served("shop.localhost", "version 2 release 2", Clock::now(), failures, std::chrono::seconds(10));
}

std::optional<std::string> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (const auto& dir : util::split(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = std::string(dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

struct WrkResult {
  long requests = 0;
  long non_2xx = 0;
  long socket_errors = 0;
  std::string socket_detail = "none";
  double p50_ms = -1, p99_ms = -1, max_ms = -1;
  double seconds = 0;
};

double wrk_duration_ms(const std::string& value, const std::string& unit) {
  double v = std::stod(value);
  if (unit == "us") return v / 1000;
  if (unit == "ms") return v;
  if (unit == "s") return v * 1000;
  if (unit == "m") return v * 60000;
  return v * 3600000;
}

WrkResult parse_wrk(const std::string& out) {
  WrkResult r;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"((\d+) requests in ([\d.]+)(us|ms|s|m))"))) {
    r.requests = std::stol(m[1]);
    r.seconds = wrk_duration_ms(m[2], m[3]) / 1000;
  } else {
    throw std::runtime_error("unexpected wrk output: " + out);
  }
  if (std::regex_search(out, m, std::regex(R"(Non-2xx or 3xx responses: (\d+))"))) r.non_2xx = std::stol(m[1]);
  if (std::regex_search(out, m, std::regex(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))"))) {
    r.socket_errors = std::stol(m[1]) + std::stol(m[2]) + std::stol(m[3]) + std::stol(m[4]);
    r.socket_detail = fmt::format("connect {}, read {}, write {}, timeout {}", m[1].str(), m[2].str(), m[3].str(), m[4].str());
  }
  if (std::regex_search(out, m, std::regex(R"(\n\s+50%\s+([\d.]+)(us|ms|s|m|h))"))) r.p50_ms = wrk_duration_ms(m[1], m[2]);
  if (std::regex_search(out, m, std::regex(R"(\n\s+99%\s+([\d.]+)(us|ms|s|m|h))"))) r.p99_ms = wrk_duration_ms(m[1], m[2]);
  if (std::regex_search(out, m, std::regex(R"(Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m|h))"))) {
    r.max_ms = wrk_duration_ms(m[1], m[2]);
  }
  return r;
}

std::vector<std::string> wrk_argv(const std::string& wrk, const Bench& bench, int seconds) {
  return {wrk, "-t1", "-c4", fmt::format("-d{}s", seconds), "-H", "Host: shop.localhost", bench.proxy_url() + "/",
          "--latency"};
}

void bench_deploys_under_load(int deploys) {
  auto wrk = find_in_path("wrk");
  if (!wrk) {
    rows.push_back({fmt::format("(g) {} deploys under wrk load", deploys), "not measured: wrk is not installed", ""});
    return;
  }
  Bench bench;
  two_releases(bench);

  // wrk runs for the whole window of DEPLOYS deploys; it has no fixed rate, so
  // -c4 keeps four requests in flight. It is told to run long and stopped with
  // SIGINT (it then prints its summary) when the last deploy has ended.
  const std::string out_path = bench.root_ + "/wrk-deploys.txt";
  util::Fd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  util::SpawnOptions options;
  options.argv = wrk_argv(*wrk, bench, 600);
  options.env = {"PATH=/usr/bin:/bin"};
  options.stdout_fd = out.get();
  auto load = util::ChildProcess::spawn(options);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  const auto window_start = Clock::now();
  const auto window_deadline = window_start + std::chrono::seconds(400);
  std::vector<Phases> phases;
  int failed = 0;
  std::string failure;
  for (int i = 0; i < deploys && Clock::now() < window_deadline; ++i) {
    const int release = i % 2 == 0 ? 1 : 2;  // release 2 is live at the start
    auto created = bench.api("POST", "/apps/shop/deploy", {{"release", release}});
    if (created.status != 201) throw std::runtime_error("deploy: " + created.body);
    auto done = bench.wait_deployment(created.json()["id"].get<long>(), std::chrono::seconds(60));
    if (done["status"] != "success") {
      ++failed;
      failure = done.value("reason", "");
    }
    phases.push_back(phases_of(bench, done));
  }
  const double window_ms = ms_since(window_start);
  load.signal_group(SIGINT);
  std::optional<int> status;
  for (int i = 0; i < 250 && !(status = load.try_reap()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (!status) {
    load.signal_group(SIGKILL);
    load.wait();
    throw std::runtime_error("wrk did not stop on SIGINT");
  }
  auto during = parse_wrk(read_file(out_path));

  const int seconds = static_cast<int>(window_ms / 1000 + 0.999);
  auto steady_run = run_command(wrk_argv(*wrk, bench, seconds), "", {}, std::chrono::seconds(seconds + 30));
  if (steady_run.exit_code != 0) throw std::runtime_error("wrk: " + steady_run.output);
  auto steady = parse_wrk(steady_run.output);

  // Control: the same load while nginx only reloads its unchanged
  // configuration (SIGHUP to its master, as the daemon's switch does),
  // 20 times, 300 ms apart: errors here come from nginx reloads, not deploys.
  WrkResult reloads;
  {
    const std::string control_path = bench.root_ + "/wrk-reloads.txt";
    util::Fd control_out(::open(control_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    options.argv = wrk_argv(*wrk, bench, 60);
    options.stdout_fd = control_out.get();
    auto control = util::ChildProcess::spawn(options);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const int nginx = std::stoi("0" + std::string(util::trim(read_file(bench.home_ + "/nginx/nginx.pid"))));
    for (int i = 0; i < 20 && nginx > 0; ++i) {
      ::kill(nginx, SIGHUP);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    control.signal_group(SIGINT);
    std::optional<int> done;
    for (int i = 0; i < 250 && !(done = control.try_reap()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!done) {
      control.signal_group(SIGKILL);
      control.wait();
      throw std::runtime_error("wrk did not stop on SIGINT");
    }
    reloads = parse_wrk(read_file(control_path));
  }

  rows.push_back({fmt::format("(g) {} deploys (alternating releases) under wrk -t1 -c4: window", phases.size()),
                  fmt::format("{:.1f} s, {} failed", window_ms / 1000, failed), ""});
  if (failed > 0) rows.push_back({"(g) same: last failure", failure.substr(0, 120), ""});
  rows.push_back({"(g) same: requests during deploys / steady state, same length",
                  fmt::format("{} ({:.0f}/s) / {} ({:.0f}/s)", during.requests, during.requests / during.seconds,
                              steady.requests, steady.requests / steady.seconds),
                  ""});
  rows.push_back({"(g) same: non-2xx / socket errors during deploys",
                  fmt::format("{} / {} ({})", during.non_2xx, during.socket_errors, during.socket_detail), "0"});
  rows.push_back({"(g) same: non-2xx / socket errors, steady state",
                  fmt::format("{} / {}", steady.non_2xx, steady.socket_errors), "0"});
  rows.push_back({"(g) control: 20 bare nginx reloads (SIGHUP), same load: non-2xx / socket errors",
                  fmt::format("{} / {} ({}) in {} requests", reloads.non_2xx, reloads.socket_errors, reloads.socket_detail,
                              reloads.requests),
                  ""});
  rows.push_back({"(g) same: p99 latency during deploys / steady state",
                  fmt::format("{:.2f} / {:.2f} ms ({:.1f}x)", during.p99_ms, steady.p99_ms, during.p99_ms / steady.p99_ms),
                  "<= 2x"});
  rows.push_back({"(g) same: p50 / max latency during deploys",
                  fmt::format("{:.2f} / {:.1f} ms", during.p50_ms, during.max_ms), ""});
  rows.push_back({"(g) same: p50 / max latency, steady state",
                  fmt::format("{:.2f} / {:.1f} ms", steady.p50_ms, steady.max_ms), ""});
  rows.push_back({"(g) one deploy, median: queued->started->spawned->healthy->live",
                  fmt::format("{:.0f} + {:.0f} + {:.0f} + {:.0f} ms", median_of(phases, &Phases::created, &Phases::started),
                              median_of(phases, &Phases::started, &Phases::launched),
                              median_of(phases, &Phases::launched, &Phases::healthy),
                              median_of(phases, &Phases::healthy, &Phases::live)),
                  ""});
  rows.push_back({"(g) same: live -> old stopped (drain 1s) -> ended, whole deploy",
                  fmt::format("{:.0f} + {:.0f} ms, {:.0f} ms", median_of(phases, &Phases::live, &Phases::stopped),
                              median_of(phases, &Phases::stopped, &Phases::finished),
                              median_of(phases, &Phases::created, &Phases::finished)),
                  ""});
}

// gunicorn alone: spawn -> first 200 from /healthz, polled every 5 ms.
std::vector<double> gunicorn_start_times(Bench& bench, int count) {
  auto gunicorn = find_in_path("gunicorn");
  if (!gunicorn) return {};
  const std::string dir = bench.root_ + "/gunicorn-alone";
  fs::create_directories(dir);
  write_file(dir + "/app.py", kGunicornApp);
  write_file(dir + "/VERSION", "0");
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    const int port = free_port();
    util::SpawnOptions options;
    options.argv = {*gunicorn, "--bind", fmt::format("127.0.0.1:{}", port), "--workers", "1", "app:app"};
    options.env = {"PATH=/usr/bin:/bin", "HOME=" + bench.root_};
    options.cwd = dir;
    const auto start = Clock::now();
    auto child = util::ChildProcess::spawn(options);
    const auto deadline = start + std::chrono::seconds(20);
    bool up = false;
    while (!up && Clock::now() < deadline && !child.try_reap()) {
      try {
        up = http_request("GET", fmt::format("http://127.0.0.1:{}", port), "/healthz").status == 200;
      } catch (const std::exception&) {
      }
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (up) times.push_back(ms_since(start));
    child.signal_group(SIGTERM);
    std::optional<int> status;
    for (int j = 0; j < 250 && !(status = child.try_reap()); ++j) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!status) {
      child.signal_group(SIGKILL);
      child.wait();
    }
  }
  return times;
}

void bench_rollback(int count) {
  Bench bench;
  two_releases(bench);
  std::vector<double> times;
  std::vector<Phases> phases;
  int failures = 0;
  for (int i = 0; i < count; ++i) {
    const auto start = Clock::now();
    auto created = bench.api("POST", "/apps/shop/rollback", nlohmann::json::object());
    if (created.status != 201) throw std::runtime_error("rollback: " + created.body);
    const int release = created.json()["release"].get<int>();
    times.push_back(bench.wait_served("shop.localhost", fmt::format("release {}\n", release), start, failures,
                                      std::chrono::seconds(30)));
    auto done = bench.wait_deployment(created.json()["id"].get<long>(), std::chrono::seconds(60));
    if (done["status"] != "success") throw std::runtime_error("rollback failed: " + done.dump());
    phases.push_back(phases_of(bench, done));
  }
  auto alone = gunicorn_start_times(bench, 3);
  rows.push_back({fmt::format("(h) rollback: POST -> old version via nginx, {} rollbacks: median", count),
                  fmt::format("{:.0f} ms (min {:.0f}, max {:.0f})", percentile(times, 50), percentile(times, 0),
                              percentile(times, 100)),
                  "<= 1 s"});
  rows.push_back({"(h) same: queued->started->spawned->healthy->live (deploy log)",
                  fmt::format("{:.0f} + {:.0f} + {:.0f} + {:.0f} ms", median_of(phases, &Phases::created, &Phases::started),
                              median_of(phases, &Phases::started, &Phases::launched),
                              median_of(phases, &Phases::launched, &Phases::healthy),
                              median_of(phases, &Phases::healthy, &Phases::live)),
                  ""});
  rows.push_back({"(h) same: whole rollback deployment incl. drain 1s and stop",
                  fmt::format("{:.0f} ms", median_of(phases, &Phases::created, &Phases::finished)), ""});
  if (failures > 0) rows.push_back({"(h) non-200 answers while polling", std::to_string(failures), "0"});
  rows.push_back({"(h) gunicorn alone: spawn -> /healthz 200 (5 ms polls), 3 starts: median",
                  alone.empty() ? std::string("not measured") : fmt::format("{:.0f} ms", percentile(alone, 50)),
                  "< 200 ms?"});
}

// --- deploys over SSH (i) ---

// The sample app's process, bound to HOST (0.0.0.0 on a host) so that the daemon can check it from outside.
constexpr const char* kSshProcfile =
    "web: exec gunicorn --bind ${HOST:-127.0.0.1}:$PORT --workers 1 --graceful-timeout 2 app:app\n";

// Releases kept on each host (the default).
constexpr int kSshKeep = 5;

// PROXY empty: the default (an nginx in front on each host when one is installed); "none":
// `host activate` stops the old gunicorn and starts the new one on the app's port.
std::string ssh_pipeline(const SshHosts& hosts, const std::string& proxy) {
  std::string list;
  for (const auto& host : hosts.hosts()) list += (list.empty() ? "root@" : ", root@") + host.address;
  return "steps:\n"
         "  test:\n"
         "    run: python3 -c 'import app'\n"
         "deploy:\n"
         "  production:\n"
         "    target: ssh\n"
         "    hosts: [" + list + "]\n"
         "    path: " + hosts.mount_point() + "/app\n"
         "    port: 8000\n"
         "    batch: 1\n"
         "    keep: " + std::to_string(kSshKeep) + "\n" +
         (proxy.empty() ? "" : "    proxy: " + proxy + "\n") +
         "    health: {url: 'http://{host}:{port}/healthz', timeout: 20s}\n";
}

// COUNT files data/NNN.bin of SIZE random (incompressible) bytes, the same on every run.
std::map<std::string, std::string> random_files(int count, std::size_t size) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < count; ++i) {
    std::mt19937_64 generator(static_cast<std::uint64_t>(i) + 1);
    std::string bytes(size, '\0');
    for (std::size_t at = 0; at + sizeof(std::uint64_t) <= size; at += sizeof(std::uint64_t)) {
      const std::uint64_t word = generator();
      std::memcpy(bytes.data() + at, &word, sizeof word);
    }
    files[fmt::format("data/{:03}.bin", i)] = std::move(bytes);
  }
  return files;
}

// "Total bytes sent: 52,459,231" from rsync --stats; -1 when absent.
long long total_bytes_sent(const std::string& output) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex(R"(Total bytes sent: ([\d,.]+))"))) return -1;
  std::string digits;
  for (char c : m[1].str()) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return std::stoll(digits);
}

// ssh as rsync runs it by hand: APP's own key and the host keys the daemon pinned.
std::vector<std::string> hand_ssh(const std::string& home, const std::string& app) {
  const std::string dir = home + "/ssh/" + app;
  return {"ssh", "-F", "none", "-i", dir + "/id_ed25519", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
          "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + dir + "/known_hosts",
          "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"};
}

// The same as one --rsh value: rsync splits it itself, honouring single quotes.
std::string rsh_value(const std::vector<std::string>& ssh) {
  std::string out;
  for (const auto& word : ssh) out += (out.empty() ? "'" : " '") + word + "'";
  return out;
}

struct RsyncByHand {
  double ms = 0;
  long long bytes = 0;
};

// rsync -a --stats OPTIONS SOURCE/ to REMOTE_PATH/ on every host, one after the other.
RsyncByHand rsync_to_each(const SshHosts& hosts, const std::string& rsh, const std::vector<std::string>& options,
                          const std::string& source, const std::string& remote_path) {
  RsyncByHand total;
  for (const auto& host : hosts.hosts()) {
    std::vector<std::string> argv = {"rsync", "-a", "--stats", "--rsh=" + rsh};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"--", source + "/", "root@" + host.address + ":" + remote_path + "/"});
    const auto start = Clock::now();
    auto result = run_command(argv, "", {}, std::chrono::seconds(300));
    total.ms += ms_since(start);
    if (result.exit_code != 0) throw std::runtime_error("rsync to " + host.address + ": " + result.output);
    total.bytes += total_bytes_sent(result.output);
  }
  return total;
}

// One SSH deployment: its times from the API, its deployment log and the hosts' web.log
// (all ms since the epoch, from this machine's clock; 0 when absent).
struct SshPhases {
  std::int64_t pushed = 0, started = 0, connected = 0, installed = 0, delivered = 0, live = 0, finished = 0;
  long long bytes = 0;
  struct Host {
    std::int64_t stopping = 0;  // the old instance was told to stop (web.log)
    std::int64_t launched = 0;  // the new instance's supervisor started gunicorn (web.log)
    std::int64_t booted = 0;    // gunicorn's worker imported the new app (web.log)
    std::int64_t healthy = 0;   // the daemon saw /healthz answer (deployment log)
  };
  std::vector<Host> hosts;
};

std::int64_t line_stamp(const std::string& line, std::size_t end) {
  if (end == std::string::npos) return 0;
  return cli::parse_timestamp(line.substr(0, end)).value_or(0);
}

SshPhases ssh_phases_of(Bench& bench, const SshHosts& hosts, const nlohmann::json& deployment, std::int64_t pushed) {
  SshPhases p;
  p.pushed = pushed;
  p.started = stamp(deployment["started_at"]);
  p.finished = stamp(deployment["finished_at"]);
  for (const auto& host : deployment["hosts"]) p.bytes += host["bytes_sent"].get<long long>();
  p.hosts.resize(hosts.hosts().size());
  auto log = bench.api("GET", "/deployments/" + std::to_string(deployment["id"].get<long>()) + "/log").body;
  for (const auto& line : util::split(log, '\n')) {
    const auto gap = line.find("  ");
    const auto at = line_stamp(line, gap);
    if (at == 0) continue;  // the output of a command on a host: not time-stamped
    const std::string text = line.substr(gap + 2);
    if (text.find(": reachable, current release ") != std::string::npos) p.connected = at;
    if (text.find(": installed slipway as ") != std::string::npos) p.installed = at;
    if (text.find(" delivered (") != std::string::npos) p.delivered = at;
    if (text.find(" is live on ") != std::string::npos) p.live = at;
    for (std::size_t i = 0; i < hosts.hosts().size(); ++i) {
      if (text.rfind("root@" + hosts.hosts()[i].address + ": healthy", 0) == 0) p.hosts[i].healthy = at;
    }
  }
  for (std::size_t i = 0; i < hosts.hosts().size(); ++i) {
    auto& h = p.hosts[i];
    for (const auto& line : util::split(read_file(hosts.hosts()[i].root + "/app/logs/web.log"), '\n')) {
      const auto at = line_stamp(line, line.find(' '));
      if (at < p.started || at > p.finished) continue;
      if (line.find("| [slipway] stopping") != std::string::npos && h.stopping == 0) h.stopping = at;
      if (line.find("| [slipway] started pid") != std::string::npos && h.launched == 0) h.launched = at;
      if (line.find("| starting version") != std::string::npos && h.booted == 0) h.booted = at;
    }
  }
  return p;
}

double span(std::int64_t from, std::int64_t to) { return from > 0 && to > 0 ? static_cast<double>(to - from) : -1; }

// Where one host's turn went: from the end of the previous host's (or of delivery) to healthy.
// `slipway host activate` either stops the old gunicorn and then starts the new one on the
// app's port, or (behind an nginx on the host) starts the new one first and stops the old
// one after switching nginx and draining.
struct HostTurn {
  double to_launch = 0;    // switch and `host activate` over ssh, until the new gunicorn is started
  double stop_first = 0;   // ...of which stopping the old gunicorn, when that comes first
  double boot = 0;         // gunicorn's start until its worker has imported the app
  double to_stop_old = 0;  // until the old gunicorn is told to stop, when that comes after
  double to_healthy = 0;   // until the daemon saw /healthz answer
};

std::vector<HostTurn> turns_of(const SshPhases& p) {
  std::vector<HostTurn> turns;
  std::int64_t begin = p.delivered;
  for (const auto& h : p.hosts) {
    HostTurn turn;
    const bool stops_first = h.stopping > 0 && h.stopping < h.launched;
    const bool stops_after = h.stopping > 0 && h.stopping >= h.booted;
    turn.to_launch = span(begin, h.launched);
    turn.stop_first = stops_first ? span(h.stopping, h.launched) : 0;
    turn.boot = span(h.launched, h.booted);
    turn.to_stop_old = stops_after ? span(h.booted, h.stopping) : 0;
    turn.to_healthy = span(stops_after ? h.stopping : h.booted, h.healthy);
    turns.push_back(turn);
    begin = h.healthy;
  }
  return turns;
}

double median_over(const std::vector<SshPhases>& all, const std::function<double(const SshPhases&)>& value) {
  std::vector<double> values;
  for (const auto& p : all) values.push_back(value(p));
  return percentile(values, 50);
}

// The median, over deployments and hosts, of one part of a host's turn.
double median_turn(const std::vector<SshPhases>& all, double HostTurn::*part) {
  std::vector<double> values;
  for (const auto& p : all) {
    for (const auto& turn : turns_of(p)) values.push_back(turn.*part);
  }
  return percentile(values, 50);
}

std::string mb(long long bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

// Pushes the work repository of "shop" and waits for the deployment of the COUNT-th push.
SshPhases ssh_push_and_deploy(Bench& bench, const SshHosts& hosts, std::size_t count) {
  const auto pushed = wall_ms();
  bench.push("shop");
  auto deployment = bench.wait_deployments("shop", count, std::chrono::seconds(600));
  if (deployment["status"] != "success") {
    const auto log = bench.api("GET", "/deployments/" + std::to_string(deployment["id"].get<long>()) + "/log").body;
    throw std::runtime_error("ssh deploy failed: " + deployment.dump() + "\n" + log);
  }
  return ssh_phases_of(bench, hosts, deployment, pushed);
}

// `ssh HOST true` COUNT times over the hosts in turn, each a new connection: milliseconds each.
std::vector<double> ssh_round_trips(const SshHosts& hosts, const std::vector<std::string>& ssh,
                                    const std::vector<std::string>& options, int count) {
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    const auto& host = hosts.hosts()[static_cast<std::size_t>(i) % hosts.hosts().size()];
    auto argv = ssh;
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"root@" + host.address, "true"});
    const auto start = Clock::now();
    auto result = run_command(argv);
    times.push_back(ms_since(start));
    if (result.exit_code != 0) throw std::runtime_error("ssh " + host.address + ": " + result.output);
  }
  return times;
}

// The same over one connection to the first host, opened beforehand by a master ssh of ours
// (ControlMaster), as a deployment could keep one per host; the master is stopped by PID.
std::vector<double> shared_connection_round_trips(const SshHosts& hosts, const std::vector<std::string>& ssh,
                                                  const std::string& dir, int count) {
  const std::string destination = "root@" + hosts.hosts().front().address;
  const std::vector<std::string> control = {"-o", "ControlPath=" + dir + "/ssh-master"};
  util::SpawnOptions options;
  options.argv = ssh;
  options.argv.insert(options.argv.end(), control.begin(), control.end());
  options.argv.insert(options.argv.end(), {"-M", "-N", destination});
  options.env = {"PATH=/usr/bin:/bin", "HOME=" + dir};
  auto master = util::ChildProcess::spawn(options);
  auto over_master = ssh;
  over_master.insert(over_master.end(), control.begin(), control.end());
  over_master.insert(over_master.end(), {"-o", "ControlMaster=no"});
  auto check = over_master;
  check.insert(check.end(), {"-O", "check", destination});
  bool up = false;
  for (int i = 0; i < 200 && !up && !master.try_reap(); ++i) {
    up = run_command(check).exit_code == 0;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<double> times;
  for (int i = 0; up && i < count; ++i) {
    auto argv = over_master;
    argv.insert(argv.end(), {destination, "true"});
    const auto start = Clock::now();
    auto result = run_command(argv);
    times.push_back(ms_since(start));
    if (result.exit_code != 0) throw std::runtime_error("ssh over the master: " + result.output);
  }
  if (master.running()) {
    master.signal_group(SIGTERM);
    master.wait();
  }
  if (!up) throw std::runtime_error("the master ssh connection did not come up");
  return times;
}

// Pushes a new VERSION COUNT times; returns the deployments.
std::vector<SshPhases> incremental_deploys(Bench& bench, const SshHosts& hosts, int count, std::size_t& pushes) {
  std::vector<SshPhases> deploys;
  for (int i = 0; i < count; ++i) {
    ++pushes;
    bench.commit("shop", {{"VERSION", std::to_string(pushes)}});
    deploys.push_back(ssh_push_and_deploy(bench, hosts, pushes));
  }
  return deploys;
}

// The rows of COUNT incremental deploys in one mode, against rsync by hand of the same change.
void incremental_rows(const std::string& what, const std::vector<SshPhases>& deploys, double plain_ms,
                      double linked_ms) {
  std::vector<double> times;
  for (const auto& p : deploys) times.push_back(span(p.started, p.finished));
  const double median = percentile(times, 50);
  rows.push_back({fmt::format("(i) {}: incremental deploy, VERSION changed, {} deploys: started -> finished, median",
                              what, deploys.size()),
                  fmt::format("{:.0f} ms (min {:.0f}, max {:.0f}), {:.0f} bytes sent", median, percentile(times, 0),
                              percentile(times, 100),
                              median_over(deploys, [](const SshPhases& p) { return static_cast<double>(p.bytes); })),
                  ""});
  const double push_to_live = median_over(deploys, [](const SshPhases& p) { return span(p.pushed, p.live); });
  rows.push_back({"(i) same: git push -> live, median", fmt::format("{:.0f} ms", push_to_live), ""});
  rows.push_back({"(i) same: connect / rsync (3 hosts at once) / 3 host turns / live -> end, medians",
                  fmt::format("{:.0f} / {:.0f} / {:.0f} / {:.0f} ms",
                              median_over(deploys, [](const SshPhases& p) { return span(p.started, p.connected); }),
                              median_over(deploys, [](const SshPhases& p) { return span(p.connected, p.delivered); }),
                              median_over(deploys, [](const SshPhases& p) { return span(p.delivered, p.live); }),
                              median_over(deploys, [](const SshPhases& p) { return span(p.live, p.finished); })),
                  ""});
  rows.push_back({"(i) same: one host's turn: switch+activate until gunicorn starts (of which stopping the old) "
                  "/ boot / until the old is stopped after / until the daemon sees it healthy",
                  fmt::format("{:.0f} ({:.0f}) + {:.0f} + {:.0f} + {:.0f} ms",
                              median_turn(deploys, &HostTurn::to_launch), median_turn(deploys, &HostTurn::stop_first),
                              median_turn(deploys, &HostTurn::boot), median_turn(deploys, &HostTurn::to_stop_old),
                              median_turn(deploys, &HostTurn::to_healthy)),
                  ""});
  rows.push_back({"(i) same: overhead beyond rsync (deploy - rsync -a by hand / - slipway-flag rsync)",
                  fmt::format("{:.0f} / {:.0f} ms", median - plain_ms, median - linked_ms), "<= 1 s"});
}

// One daemon and three hosts: the first deploy and (after a few more, so that old releases
// are pruned as in steady state) incremental ones restarting in place (`proxy: none`), then
// incremental ones behind an nginx on each host (the default when nginx is installed, as it
// is here), then rsync and ssh by hand to the same hosts.
void bench_ssh_deploys(int incremental) {
  const std::string what = "(i) deploy of a 50 MB app to 3 hosts over ssh";
  if (::geteuid() != 0) {
    rows.push_back({what, "not measured: needs root (network namespaces)", ""});
    return;
  }
  if (!find_in_path("gunicorn") || !find_in_path("rsync")) {
    rows.push_back({what, "not measured: gunicorn or rsync is not installed", ""});
    return;
  }
  Bench bench;
  auto created = SshHosts::create(3, bench.root_ + "/hosts");
  if (!created) {
    rows.push_back({what, "not measured: " + created.error(), ""});
    return;
  }
  std::unique_ptr<SshHosts> hosts = std::move(*created);
  try {
    bench.start();
    bench.api("POST", "/projects", {{"name", "shop"}});
    auto key = bench.api("GET", "/apps/shop/ssh-key");
    if (key.status != 200) throw std::runtime_error("ssh-key: " + key.body);
    hosts->authorize(key.json()["public_key"].get<std::string>());

    auto files = random_files(200, 256 * 1024);
    files.insert({{"app.py", kGunicornApp}, {"Procfile", kSshProcfile}, {"slipway.yml", ssh_pipeline(*hosts, "none")},
                  {"VERSION", "1"}});
    bench.commit("shop", files);
    std::size_t pushes = 1;
    const auto first = ssh_push_and_deploy(bench, *hosts, pushes);
    // Until each host holds `keep` releases: from then on every deploy also prunes one, as it
    // does for an app that has been deployed for a while.
    incremental_deploys(bench, *hosts, kSshKeep - 1, pushes);
    const auto in_place = incremental_deploys(bench, *hosts, incremental, pushes);
    // The first deploy behind nginx replaces the processes on the app's port: not counted.
    ++pushes;
    bench.commit("shop", {{"VERSION", std::to_string(pushes)}, {"slipway.yml", ssh_pipeline(*hosts, "")}});
    ssh_push_and_deploy(bench, *hosts, pushes);
    const auto behind_nginx = incremental_deploys(bench, *hosts, incremental, pushes);
    const std::string wanted = fmt::format("version {} release {}\n", pushes, pushes);
    for (const auto& host : hosts->hosts()) {
      auto served = http_request("GET", "http://" + host.address + ":8000", "/");
      if (served.body != wanted) throw std::runtime_error(host.address + " serves " + served.body);
    }

    // By hand: a copy of the newest release tree (cp -a keeps its mtimes), to every host in turn.
    std::string release_dir;
    for (const auto& entry : fs::directory_iterator(bench.home_ + "/releases/shop")) {
      if (entry.path().filename().string().rfind(std::to_string(pushes) + "-", 0) == 0) {
        release_dir = entry.path().string();
      }
    }
    if (release_dir.empty()) throw std::runtime_error("no release directory under " + bench.home_ + "/releases/shop");
    const std::string tree = bench.root_ + "/hand-tree";
    auto copied = run_command({"cp", "-a", release_dir, tree});
    if (copied.exit_code != 0) throw std::runtime_error("cp: " + copied.output);
    const auto ssh = hand_ssh(bench.home_, "shop");
    const std::string rsh = rsh_value(ssh);
    const std::string remote = hosts->mount_point() + "/hand";
    for (const auto& host : hosts->hosts()) fs::create_directories(host.root + "/hand/linked");
    const std::vector<std::string> as_slipway = {"--no-times", "--checksum", "--delete", "--protect-args"};
    const auto plain_first = rsync_to_each(*hosts, rsh, {}, tree, remote + "/plain");
    const auto linked_first = rsync_to_each(*hosts, rsh, as_slipway, tree, remote + "/linked/0");
    std::vector<double> plain_ms, linked_ms;
    long long plain_bytes = 0, linked_bytes = 0;
    for (int i = 1; i <= incremental; ++i) {
      write_file(tree + "/VERSION", fmt::format("by hand {}\n", i));
      auto plain = rsync_to_each(*hosts, rsh, {}, tree, remote + "/plain");
      auto options = as_slipway;
      options.push_back(fmt::format("--link-dest={}/linked/{}", remote, i - 1));
      auto linked = rsync_to_each(*hosts, rsh, options, tree, fmt::format("{}/linked/{}", remote, i));
      plain_ms.push_back(plain.ms);
      linked_ms.push_back(linked.ms);
      plain_bytes = std::max(plain_bytes, plain.bytes);
      linked_bytes = std::max(linked_bytes, linked.bytes);
    }
    // What each of the deployment's ssh connections costs, and what it would over a shared one.
    const auto fresh = ssh_round_trips(*hosts, ssh, {}, 10);
    const auto classic = ssh_round_trips(*hosts, ssh, {"-o", "KexAlgorithms=curve25519-sha256"}, 10);
    const auto shared = shared_connection_round_trips(*hosts, ssh, bench.root_, 10);
    bench.daemon_.stop();
    hosts.reset();

    const double first_deploy = span(first.started, first.finished);
    rows.push_back({"(i) first deploy, 50 MB app (200 x 256 KiB random + app) to 3 hosts, batch 1, proxy: none: "
                    "started -> finished",
                    fmt::format("{:.0f} ms, {} sent", first_deploy, mb(first.bytes)), ""});
    rows.push_back({"(i) same: git push -> live (push, run, release; queued; deploy)",
                    fmt::format("{:.0f} ms ({:.0f} until the deployment started)", span(first.pushed, first.live),
                                span(first.pushed, first.started)),
                    ""});
    rows.push_back({"(i) same: connect / slipway binary to hosts / release rsync / 3 host turns / live -> end",
                    fmt::format("{:.0f} / {:.0f} / {:.0f} / {:.0f} / {:.0f} ms", span(first.started, first.connected),
                                span(first.connected, first.installed), span(first.installed, first.delivered),
                                span(first.delivered, first.live), span(first.live, first.finished)),
                    ""});
    rows.push_back({"(i) rsync -a by hand, same tree, 3 hosts in turn, fresh dirs: first",
                    fmt::format("{:.0f} ms, {} sent", plain_first.ms, mb(plain_first.bytes)), ""});
    rows.push_back({"(i) same with slipway's flags (--no-times --checksum --delete): first",
                    fmt::format("{:.0f} ms, {} sent", linked_first.ms, mb(linked_first.bytes)), ""});
    rows.push_back({"(i) first: overhead beyond rsync (deploy - rsync -a by hand)",
                    fmt::format("{:.0f} ms", first_deploy - plain_first.ms), ""});
    rows.push_back({fmt::format("(i) rsync -a by hand, 1 file changed, 3 hosts in turn, {} times: median", incremental),
                    fmt::format("{:.0f} ms, {} bytes sent", percentile(plain_ms, 50), plain_bytes), ""});
    rows.push_back({"(i) same with slipway's flags and --link-dest into a fresh dir: median",
                    fmt::format("{:.0f} ms, {} bytes sent", percentile(linked_ms, 50), linked_bytes), ""});
    incremental_rows("proxy: none (restart in place)", in_place, percentile(plain_ms, 50), percentile(linked_ms, 50));
    incremental_rows("default (nginx on each host, drain 10s)", behind_nginx, percentile(plain_ms, 50),
                     percentile(linked_ms, 50));
    rows.push_back({"(i) ssh HOST true, 10 times: new connection / with curve25519 kex / over a shared one",
                    fmt::format("{:.0f} / {:.0f} / {:.0f} ms (medians)", percentile(fresh, 50), percentile(classic, 50),
                                percentile(shared, 50)),
                    ""});
  } catch (...) {
    bench.daemon_.stop();  // before the hosts go away, as the end-to-end tests do
    std::fprintf(stderr, "--- daemon output ---\n%s--- end ---\n", bench.daemon_.output().c_str());
    throw;
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string only = "abcdefghi";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") quick = true;
    if (arg == "--only" && i + 1 < argc) only = argv[++i];
  }
  try {
    if (only.find('a') != std::string::npos) bench_latency(quick ? 20 : 200);
    if (only.find('b') != std::string::npos || only.find('c') != std::string::npos) {
      bench_throughput_and_memory(quick ? 100 : 1000, quick ? 500 : 10000);
    }
    if (only.find('d') != std::string::npos) bench_run_list(quick ? 10000 : 100000, quick ? 100 : 1000);
    if (only.find('e') != std::string::npos) bench_capture(quick ? 10000000 : 100000000);
    if (only.find('f') != std::string::npos) bench_static_push(5);
    if (only.find('g') != std::string::npos) bench_deploys_under_load(quick ? 10 : 20);
    if (only.find('h') != std::string::npos) bench_rollback(5);
    if (only.find('i') != std::string::npos) bench_ssh_deploys(5);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench failed: %s\n", e.what());
    return 1;
  }
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.what.size());
  std::printf("%-*s  %-34s  %s\n", static_cast<int>(width), "measure", "result", "target");
  for (const auto& row : rows) {
    std::printf("%-*s  %-34s  %s\n", static_cast<int>(width), row.what.c_str(), row.result.c_str(), row.target.c_str());
  }
  return 0;
}
