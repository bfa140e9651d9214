// Local deployments (docs/benchmarks.md): the daemon with its nginx on a loopback port,
// pushed to over HTTP like a user, pages fetched through nginx as APP.localhost:
//  f) push -> live for a static site, and Slipway's overhead beyond the step
//  g) 20 consecutive deploys of a gunicorn app under wrk load vs steady state
//  h) rollback -> the old version served through nginx
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app_processes.h"
#include "bench_common.h"
#include "cli/human_format.h"
#include "measures.h"
#include "sample_app.h"
#include "util/child_process.h"
#include "util/strings.h"

namespace slipway::bench {

namespace fs = std::filesystem;
using namespace slipway::testing;

namespace {

// When the deployment log says each phase ended (ms since the epoch; 0 when absent).
struct Phases {
  std::int64_t created = 0, started = 0, launched = 0, healthy = 0, live = 0, drained = 0, stopped = 0, finished = 0;
};

Phases phases_of(Bench& bench, const nlohmann::json& deployment) {
  Phases p;
  p.created = stamp(deployment["created_at"]);
  p.started = stamp(deployment["started_at"]);
  p.finished = stamp(deployment["finished_at"]);
  auto log = bench.deployment_log(deployment);
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


}  // namespace

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

namespace {

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

}  // namespace

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
  auto load = BackgroundWrk::start(wrk_argv(*wrk, bench, 600), bench.root_ + "/wrk-deploys.txt");
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
  auto during = load.stop();

  const int seconds = static_cast<int>(window_ms / 1000 + 0.999);
  auto steady_run = run_command(wrk_argv(*wrk, bench, seconds), "", {}, std::chrono::seconds(seconds + 30));
  if (steady_run.exit_code != 0) throw std::runtime_error("wrk: " + steady_run.output);
  auto steady = parse_wrk(steady_run.output);

  // Control: the same load while nginx only reloads its unchanged
  // configuration (SIGHUP to its master, as the daemon's switch does),
  // 20 times, 300 ms apart: errors here come from nginx reloads, not deploys.
  WrkResult reloads;
  {
    auto control = BackgroundWrk::start(wrk_argv(*wrk, bench, 60), bench.root_ + "/wrk-reloads.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const int nginx = std::stoi("0" + std::string(util::trim(read_file(bench.home_ + "/nginx/nginx.pid"))));
    for (int i = 0; i < 20 && nginx > 0; ++i) {
      ::kill(nginx, SIGHUP);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    reloads = control.stop();
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

namespace {

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

}  // namespace

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

}  // namespace slipway::bench
