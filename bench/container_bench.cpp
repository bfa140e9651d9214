// Container deployments (docs/benchmarks.md) on the Docker engine of this machine, with the
// registry of scripts/test-services.sh and the base images of scripts/base-images.sh:
//  j) push -> live of the static example as an image (nginx base, pushed to the registry),
//     the phases from the deployment log, against docker build/push/run by hand
//  k) consecutive container deploys under wrk load through the daemon's nginx
// What the daemon made on the engine carries the label slipway.home=<hash of the home>; it is
// removed at the end, with the containers and images made by hand and the pushed manifests.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"
#include "cli/human_format.h"
#include "container_engine.h"
#include "measures.h"
#include "util/crypto.h"
#include "util/strings.h"

namespace slipway::bench {

namespace fs = std::filesystem;
using namespace slipway::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kBaseImage = "slipway/nginx:1.22";
constexpr int kContainerPort = 8080;
constexpr int kDrainMs = 1000;
// A gap between two of wrk's responses this long means every connection waited.
constexpr double kStallMs = 100;

std::string example_file(const std::string& name) {
  return read_file(std::string(SLIPWAY_SOURCE_DIR) + "/examples/static/" + name);
}

// The static example's index.html with VERSION where it says 1.0.0.
std::string static_page(const std::string& version) {
  auto page = example_file("index.html");
  const auto at = page.find(">1.0.0<");
  if (at == std::string::npos)
    throw std::runtime_error("examples/static/index.html has no >1.0.0< to replace");
  return page.replace(at + 1, 5, version);
}

std::string version_marker(const std::string& version) { return "id=\"version\">" + version + "<"; }

// The static example's pipeline with a container target instead of `target: local`.
std::string container_pipeline(const std::string& registry) {
  return fmt::format(R"yml(steps:
  check:
    run:
      - test -s index.html
      - grep -q 'id="version"' index.html
deploy:
  production:
    target: docker
    branch: main
    port: {}
    registry: {}
    health: {{path: /healthz, timeout: 60s}}
    drain: {}ms
build:
  type: static
  base_images: {{static: {}}}
)yml",
                     kContainerPort, registry, kDrainMs, kBaseImage);
}

std::string home_label(const Bench& bench) { return util::sha256_hex(bench.home_).substr(0, 12); }

// The containers run by hand (no Slipway label, as someone would type them) carry this prefix.
std::string by_hand_prefix(const Bench& bench) {
  return "bench-by-hand-" + home_label(bench).substr(0, 8) + "-";
}

// When each phase of one push ended, in ms since the epoch (0 when absent): the run from the
// API, the deployment from its time-stamped log lines.
struct ContainerPhases {
  std::int64_t pushed = 0;  // just before `git push`
  std::int64_t run_started = 0, run_finished = 0;
  std::int64_t started = 0;            // the deployment
  std::int64_t build_began = 0;        // "building ..." / "no Dockerfile in the repository: wrote one ..."
  std::int64_t built = 0;              // "built APP:SHA7 and APP:N in M ms"
  std::int64_t image_pushed = 0;       // "pushed REGISTRY/APP:SHA7 and REGISTRY/APP:N"
  std::int64_t container_started = 0;  // "started CONTAINER (APP:N) on 127.0.0.1:PORT" (docker run returned)
  std::int64_t healthy = 0;            // "CONTAINER is healthy: HTTP 200 from /healthz"
  std::int64_t live = 0;               // "release N is live at ..." (nginx switched)
  std::int64_t draining = 0;           // "draining 1 old instance(s) for 1000 ms"
  std::int64_t old_removed = 0;        // "stopped and removed 1 old instance(s)" (after the drain)
  std::int64_t finished = 0;           // the deployment
  std::int64_t seen = 0;               // the new page first came back through nginx
  double build_reported_ms = -1;       // what the daemon timed around docker build
};

void require_success(Bench& bench, const nlohmann::json& deployment) {
  if (deployment["status"] == "success") return;
  throw std::runtime_error("container deploy failed: " + deployment.dump() + "\n" +
                           bench.deployment_log(deployment));
}

ContainerPhases container_phases_of(Bench& bench, const std::string& app, const nlohmann::json& deployment) {
  ContainerPhases p;
  auto run_list = bench.api("GET", "/runs?project=" + app + "&limit=1").json()["runs"];
  if (!run_list.empty()) {
    auto run = bench.api("GET", "/runs/" + std::to_string(run_list[0]["id"].get<long>())).json();
    p.run_started = stamp(run["started_at"]);
    p.run_finished = stamp(run["finished_at"]);
  }
  p.started = stamp(deployment["started_at"]);
  p.finished = stamp(deployment["finished_at"]);
  const std::regex took(R"( in (\d+) ms$)");
  for (const auto& line : util::split(bench.deployment_log(deployment), '\n')) {
    const auto gap = line.find("  ");
    if (gap == std::string::npos) continue;
    const auto at = cli::parse_timestamp(line.substr(0, gap)).value_or(0);
    if (at == 0) continue;  // output of docker: not time-stamped
    const std::string text = line.substr(gap + 2);
    if (text.rfind("building ", 0) == 0 || text.rfind("no Dockerfile in the repository", 0) == 0)
      p.build_began = at;
    if (text.rfind("built ", 0) == 0) {
      p.built = at;
      std::smatch m;
      if (std::regex_search(text, m, took)) p.build_reported_ms = std::stod(m[1]);
    }
    if (text.rfind("pushed ", 0) == 0) p.image_pushed = at;
    if (text.rfind("started slipway-", 0) == 0) p.container_started = at;
    if (text.find(" is healthy") != std::string::npos) p.healthy = at;
    if (text.find(" is live at ") != std::string::npos) p.live = at;
    if (text.rfind("draining ", 0) == 0) p.draining = at;
    if (text.rfind("stopped and removed ", 0) == 0) p.old_removed = at;
  }
  return p;
}

double span(std::int64_t from, std::int64_t to) {
  return from > 0 && to > 0 ? static_cast<double>(to - from) : -1;
}

// The median of TO - FROM over the pushes that have both; -1 when none has.
double median_span(const std::vector<ContainerPhases>& all, std::int64_t ContainerPhases::*from,
                   std::int64_t ContainerPhases::*to) {
  std::vector<double> values;
  for (const auto& p : all) {
    if (p.*from > 0 && p.*to > 0) values.push_back(static_cast<double>(p.*to - p.*from));
  }
  return values.empty() ? -1 : percentile(values, 50);
}

// Creates APP, pushes the static example with a container target and waits until it serves
// version "0" through nginx (the first push also puts the base image's layers in the app's
// repository of the registry: not timed).
void first_container_deploy(Bench& bench, const std::string& app, const std::string& registry) {
  auto created = bench.api("POST", "/projects", {{"name", app}});
  if (created.status != 201) throw std::runtime_error("create project " + app + ": " + created.body);
  bench.commit(app, {{"index.html", static_page("0")},
                     {"healthz", example_file("healthz")},
                     {"slipway.yml", container_pipeline(registry)}});
  bench.push(app);
  require_success(bench, bench.wait_deployments(app, 1, 300s));
  int failures = 0;
  bench.wait_served(app + ".localhost", version_marker("0"), Clock::now(), failures, 30s);
}

// Commits version N of APP's page, pushes it and waits until the new page comes back through
// nginx and the deployment has ended; returns the phases of that push. Until the deployment
// log says the new container is healthy the page cannot change, so until then only the API is
// asked, every 50 ms: GET / every 5 ms from the start would load the engine, which logs every
// request of the container, while it builds. Then GET / every 5 ms, counting answers that are
// not 200 in FAILURES. Throws with the log when the deployment fails.
ContainerPhases push_version(Bench& bench, const std::string& app, int n, int& failures) {
  const auto version = std::to_string(n);
  const auto count = static_cast<std::size_t>(n) + 1;
  bench.commit(app, {{"index.html", static_page(version)}});
  const auto pushed = wall_ms();
  bench.push(app);
  const auto deadline = Clock::now() + 300s;
  bool healthy = false;
  int page_polls = 0;
  std::int64_t seen = 0;
  while (seen == 0 && Clock::now() < deadline) {
    if (!healthy) {
      auto list = bench.api("GET", "/apps/" + app + "/deployments").json()["deployments"];
      if (list.size() >= count) {
        const std::string status = list[0].value("status", "");
        const bool ended = status != "queued" && status != "running";
        if (ended) require_success(bench, list[0]);
        healthy = ended || bench.deployment_log(list[0]).find(" is healthy") != std::string::npos;
      }
      if (!healthy) {
        std::this_thread::sleep_for(50ms);
        continue;
      }
    }
    auto page = bench.via_proxy(app + ".localhost");
    if (page.status != 200) ++failures;
    if (page.status == 200 && page.body.find(version_marker(version)) != std::string::npos) seen = wall_ms();
    if (seen == 0 && ++page_polls % 100 == 0) {
      // A deployment that failed after the health check (the switch) never serves the page.
      auto newest = bench.api("GET", "/apps/" + app + "/deployments").json()["deployments"][0];
      if (newest.value("status", "") != "running") require_success(bench, newest);
    }
    if (seen == 0) std::this_thread::sleep_for(5ms);
  }
  if (seen == 0)
    throw std::runtime_error(fmt::format("{} did not serve version {} within 300 s", app, version));
  auto deployment = bench.wait_deployments(app, count, 300s);
  require_success(bench, deployment);
  auto phases = container_phases_of(bench, app, deployment);
  phases.pushed = pushed;
  phases.seen = seen;
  return phases;
}

// The same work as one deployment's, by hand: docker build (two tags, no labels) with the
// Dockerfile the daemon wrote, docker push (both), docker run as the daemon runs it, then GET /
// every 5 ms until the new page answers.
struct ByHand {
  double build = 0, push = 0, run = 0, until_served = 0;
  double total() const { return build + push + run + until_served; }
};

ByHand deploy_by_hand(Bench& bench, const std::string& dockerfile, const std::string& context,
                      const std::string& repository, int n) {
  const auto version = "by hand " + std::to_string(n);
  write_file(context + "/index.html", static_page(version));
  const std::string first_tag = fmt::format("{}:h{}", repository, n);
  const std::string second_tag = fmt::format("{}:{}", repository, n);
  ByHand t;
  auto start = Clock::now();
  docker_checked({"build", "--file", dockerfile, "--tag", first_tag, "--tag", second_tag, context}, 300s);
  t.build = ms_since(start);
  start = Clock::now();
  docker_checked({"push", first_tag}, 300s);
  docker_checked({"push", second_tag}, 300s);
  t.push = ms_since(start);
  const std::string container = by_hand_prefix(bench) + std::to_string(n);
  start = Clock::now();
  docker_checked({"run", "--detach", "--init", "--name", container, "--restart", "unless-stopped",
                  "--publish", "127.0.0.1::" + std::to_string(kContainerPort), second_tag},
                 120s);
  const int port = published_port(container, kContainerPort);
  t.run = ms_since(start);
  start = Clock::now();
  const auto deadline = start + 60s;
  bool served = false;
  while (!served && Clock::now() < deadline) {
    try {
      auto page = http_request("GET", fmt::format("http://127.0.0.1:{}", port), "/");
      served = page.status == 200 && page.body.find(version_marker(version)) != std::string::npos;
    } catch (const std::exception&) {
    }
    if (!served) std::this_thread::sleep_for(5ms);
  }
  t.until_served = ms_since(start);
  docker_checked({"rm", "--force", container}, 60s);
  if (!served) throw std::runtime_error(container + " did not serve its page within 60 s");
  return t;
}

double median_of(const std::vector<ByHand>& all, double ByHand::*part) {
  std::vector<double> values;
  for (const auto& t : all) values.push_back(t.*part);
  return percentile(values, 50);
}

std::string min_median_max(const std::vector<double>& values) {
  return fmt::format("{:.0f} ms (min {:.0f}, max {:.0f})", percentile(values, 50), percentile(values, 0),
                     percentile(values, 100));
}

// What the deployments were doing at AT, from their logs: "docker build", "stopping the old container", ...
std::string phase_at(const std::vector<ContainerPhases>& all, std::int64_t at) {
  for (const auto& p : all) {
    if (at < p.pushed || at > p.finished) continue;
    const std::int64_t drained = p.draining > 0 ? p.draining + kDrainMs : 0;
    const std::vector<std::pair<std::int64_t, const char*>> ends = {
        {p.started, "git push and the run"},
        {p.build_began, "deployment start"},
        {p.built, "docker build"},
        {p.image_pushed, "docker push"},
        {p.container_started, "docker run"},
        {p.healthy, "health check"},
        {p.live, "switch (nginx reload)"},
        {drained, "drain"},
        {p.old_removed, "stopping and removing the old container"},
        {p.finished, "pruning"}};
    for (const auto& [end, what] : ends) {
      if (end > 0 && at <= end) return what;
    }
    return "end of deployment";
  }
  return "between deployments";
}

// "3 (207-212 ms; 2 stopping and removing the old container, 1 docker build)"
std::string stall_text(const std::vector<Stall>& stalls, const std::vector<ContainerPhases>& phases) {
  if (stalls.empty()) return "0";
  double shortest = stalls.front().ms, longest = stalls.front().ms;
  std::map<std::string, int> where;
  for (const auto& stall : stalls) {
    shortest = std::min(shortest, stall.ms);
    longest = std::max(longest, stall.ms);
    ++where[phase_at(phases, stall.began)];
  }
  std::string places;
  for (const auto& [what, count] : where)
    places += fmt::format("{}{} {}", places.empty() ? "" : ", ", count, what);
  return fmt::format("{} ({:.0f}-{:.0f} ms; {})", stalls.size(), shortest, longest, places);
}

// Non-2xx answers in nginx's access log (combined format) and the error log's last lines:
// what to look at when (k) sees failed requests.
void print_failure_evidence(const Bench& bench) {
  const std::string logs = bench.home_ + "/nginx/logs/";
  const std::regex status(R"(" (\d{3}) )");
  int shown = 0;
  long non_2xx = 0;
  for (const auto& line : util::split(read_file(logs + "access.log"), '\n')) {
    std::smatch m;
    const std::string text(line);
    if (!std::regex_search(text, m, status) || m[1].str()[0] == '2') continue;
    ++non_2xx;
    if (shown++ < 10) std::fprintf(stderr, "access.log: %s\n", text.c_str());
  }
  std::fprintf(stderr, "access.log: %ld answers not 2xx\n", non_2xx);
  const auto errors = util::split(read_file(logs + "error.log"), '\n');
  const std::size_t from = errors.size() > 20 ? errors.size() - 20 : 0;
  for (std::size_t i = from; i < errors.size(); ++i) {
    if (!errors[i].empty()) std::fprintf(stderr, "error.log: %s\n", errors[i].c_str());
  }
}

}  // namespace

void bench_container_push(int pushes) {
  const std::string registry = bench_registry();
  if (auto why = containers_unavailable(registry, kBaseImage); !why.empty()) {
    rows.push_back({"(j) static example as a container image: push -> live", "not measured: " + why, ""});
    return;
  }
  const std::string app = "bench-site";
  const std::string by_hand_repository = registry + "/bench-site-by-hand";
  Bench bench;
  EngineCleanup cleanup(bench, registry, {app, "bench-site-by-hand"}, by_hand_prefix(bench));
  bench.start_with_proxy();
  first_container_deploy(bench, app, registry);

  int failures = 0;
  std::vector<ContainerPhases> phases;
  std::vector<double> served, succeeded, overheads;
  for (int n = 1; n <= pushes; ++n) {
    auto p = push_version(bench, app, n, failures);
    served.push_back(span(p.pushed, p.seen));
    succeeded.push_back(span(p.pushed, p.finished));
    const double docker_work =
        span(p.build_began, p.built) + span(p.built, p.image_pushed) + span(p.image_pushed, p.healthy);
    overheads.push_back(span(p.pushed, p.seen) - docker_work);
    phases.push_back(p);
  }
  std::vector<double> build_reported;
  for (const auto& p : phases) build_reported.push_back(p.build_reported_ms);

  // By hand: the Dockerfile the daemon wrote for the last release, on the same files.
  const std::string dockerfile =
      fmt::format("{}/apps/{}/production/dockerfiles/Dockerfile.{}", bench.home_, app, pushes + 1);
  if (!fs::exists(dockerfile)) throw std::runtime_error("no generated Dockerfile at " + dockerfile);
  const std::string context = bench.root_ + "/by-hand";
  fs::create_directories(context);
  write_file(context + "/healthz", example_file("healthz"));
  write_file(context + "/slipway.yml", container_pipeline(registry));
  deploy_by_hand(bench, dockerfile, context, by_hand_repository, 0);  // fills the repository: not timed
  std::vector<ByHand> by_hand;
  std::vector<double> by_hand_totals;
  for (int n = 1; n <= pushes; ++n) {
    by_hand.push_back(deploy_by_hand(bench, dockerfile, context, by_hand_repository, n));
    by_hand_totals.push_back(by_hand.back().total());
  }

  const double served_median = percentile(served, 50);
  const double by_hand_median = percentile(by_hand_totals, 50);
  rows.push_back(
      {fmt::format("(j) static example as an image (target docker, {}, registry): git push -> new page "
                   "via nginx, {} pushes: median",
                   kBaseImage, pushes),
       min_median_max(served), ""});
  rows.push_back({"(j) same: git push -> deployment succeeded (drain 1s, old container removed)",
                  min_median_max(succeeded), ""});
  rows.push_back(
      {"(j) where: push start -> run started / run / run end -> deployment started / -> docker build "
       "began",
       fmt::format("{:.0f} / {:.0f} / {:.0f} / {:.0f} ms",
                   median_span(phases, &ContainerPhases::pushed, &ContainerPhases::run_started),
                   median_span(phases, &ContainerPhases::run_started, &ContainerPhases::run_finished),
                   median_span(phases, &ContainerPhases::run_finished, &ContainerPhases::started),
                   median_span(phases, &ContainerPhases::started, &ContainerPhases::build_began)),
       ""});
  rows.push_back(
      {"(j) deploy log, medians: docker build / docker push (2 tags) / docker run / run -> healthy / "
       "healthy -> live (switch)",
       fmt::format("{:.0f} / {:.0f} / {:.0f} / {:.0f} / {:.0f} ms",
                   median_span(phases, &ContainerPhases::build_began, &ContainerPhases::built),
                   median_span(phases, &ContainerPhases::built, &ContainerPhases::image_pushed),
                   median_span(phases, &ContainerPhases::image_pushed, &ContainerPhases::container_started),
                   median_span(phases, &ContainerPhases::container_started, &ContainerPhases::healthy),
                   median_span(phases, &ContainerPhases::healthy, &ContainerPhases::live)),
       ""});
  rows.push_back({"(j) same: build as the daemon timed it / live -> page seen / live -> old removed -> ended",
                  fmt::format("{:.0f} / {:.0f} / {:.0f} + {:.0f} ms", percentile(build_reported, 50),
                              median_span(phases, &ContainerPhases::live, &ContainerPhases::seen),
                              median_span(phases, &ContainerPhases::live, &ContainerPhases::old_removed),
                              median_span(phases, &ContainerPhases::old_removed, &ContainerPhases::finished)),
                  ""});
  rows.push_back(
      {"(j) Slipway overhead = push -> page seen - (build + push + docker run until healthy), median",
       fmt::format("{:.0f} ms", percentile(overheads, 50)), ""});
  rows.push_back({fmt::format("(j) by hand, same Dockerfile and files, no --label, {} times: docker build / "
                              "push (2 tags) / run / "
                              "until the page answers (5 ms polls), medians",
                              pushes),
                  fmt::format("{:.0f} / {:.0f} / {:.0f} / {:.0f} ms", median_of(by_hand, &ByHand::build),
                              median_of(by_hand, &ByHand::push), median_of(by_hand, &ByHand::run),
                              median_of(by_hand, &ByHand::until_served)),
                  ""});
  rows.push_back({"(j) by hand: total", min_median_max(by_hand_totals), ""});
  rows.push_back(
      {"(j) Slipway (push -> page seen) - by hand, medians",
       fmt::format("{:+.0f} ms ({:.1f}x)", served_median - by_hand_median, served_median / by_hand_median),
       ""});
  if (failures > 0) rows.push_back({"(j) non-200 answers while polling", std::to_string(failures), "0"});
}

void bench_container_deploys_under_load(int deploys) {
  const std::string what = fmt::format("(k) {} container deploys under wrk load", deploys);
  auto wrk = find_in_path("wrk");
  if (!wrk) {
    rows.push_back({what, "not measured: wrk is not installed", ""});
    return;
  }
  const std::string registry = bench_registry();
  if (auto why = containers_unavailable(registry, kBaseImage); !why.empty()) {
    rows.push_back({what, "not measured: " + why, ""});
    return;
  }
  const std::string app = "bench-load";
  const std::string host = app + ".localhost";
  Bench bench;
  EngineCleanup cleanup(bench, registry, {app}, by_hand_prefix(bench));
  bench.start_with_proxy();
  first_container_deploy(bench, app, registry);

  // As in (g): wrk runs over the whole window of DEPLOYS pushes, each deployed before the next.
  auto load = BackgroundWrk::start(
      with_stall_script(wrk_argv(*wrk, bench, 900, host), bench.root_, "during", kStallMs),
      bench.root_ + "/wrk-container-deploys.txt");
  std::this_thread::sleep_for(300ms);
  const auto window_start = Clock::now();
  const auto window_deadline = window_start + 600s;
  std::vector<ContainerPhases> phases;
  int polled_failures = 0;
  for (int n = 1; n <= deploys && Clock::now() < window_deadline; ++n) {
    phases.push_back(push_version(bench, app, n, polled_failures));
  }
  const double window_ms = ms_since(window_start);
  auto during = load.stop();
  const auto last = bench.via_proxy(host);
  const bool last_served = last.body.find(version_marker(std::to_string(phases.size()))) != std::string::npos;

  const int seconds = static_cast<int>(window_ms / 1000 + 0.999);
  auto steady_run =
      run_command(with_stall_script(wrk_argv(*wrk, bench, seconds, host), bench.root_, "steady", kStallMs),
                  "", {}, std::chrono::seconds(seconds + 30));
  if (steady_run.exit_code != 0) throw std::runtime_error("wrk: " + steady_run.output);
  auto steady = parse_wrk(steady_run.output);
  if (during.non_2xx > 0 || polled_failures > 0) print_failure_evidence(bench);
  const auto stalls_during = read_stalls(bench.root_, "during");
  const auto stalls_steady = read_stalls(bench.root_, "steady");

  std::vector<double> to_live, whole;
  for (const auto& p : phases) {
    to_live.push_back(span(p.pushed, p.live));
    whole.push_back(span(p.pushed, p.finished));
  }
  rows.push_back(
      {fmt::format("(k) {} pushes of the static example image, deployed one after another, under wrk "
                   "-t1 -c4: window",
                   phases.size()),
       fmt::format("{:.1f} s, all succeeded, last version {}", window_ms / 1000,
                   last_served ? "served" : "NOT served"),
       ""});
  rows.push_back(
      {"(k) same: requests during deploys / steady state, same length",
       fmt::format("{} ({:.0f}/s) / {} ({:.0f}/s)", during.requests, during.requests / during.seconds,
                   steady.requests, steady.requests / steady.seconds),
       ""});
  rows.push_back({"(k) same: non-2xx / socket errors during deploys",
                  fmt::format("{} / {} ({})", during.non_2xx, during.socket_errors, during.socket_detail),
                  "0"});
  rows.push_back({"(k) same: non-2xx / socket errors, steady state",
                  fmt::format("{} / {} ({})", steady.non_2xx, steady.socket_errors, steady.socket_detail),
                  "0"});
  rows.push_back(
      {"(k) same: p99 latency (wrk corrects it for coordinated omission) during deploys / steady state",
       fmt::format("{:.2f} / {:.2f} ms ({:.1f}x)", during.p99_ms, steady.p99_ms,
                   during.p99_ms / steady.p99_ms),
       ""});
  rows.push_back(
      {fmt::format("(k) same: stalls (no response on any connection for > {:.0f} ms) during deploys, where",
                   kStallMs),
       stall_text(stalls_during, phases), ""});
  rows.push_back({"(k) same: stalls, steady state", stall_text(stalls_steady, {}), ""});
  rows.push_back({"(k) same: p50 / max latency during deploys; steady state",
                  fmt::format("{:.2f} / {:.1f} ms; {:.2f} / {:.1f} ms", during.p50_ms, during.max_ms,
                              steady.p50_ms, steady.max_ms),
                  ""});
  rows.push_back({"(k) one push under load, medians: git push -> live / -> deployment ended",
                  fmt::format("{:.0f} / {:.0f} ms", percentile(to_live, 50), percentile(whole, 50)), ""});
  rows.push_back(
      {"(k) same, deploy log: docker build / push / run / run -> healthy / healthy -> live",
       fmt::format("{:.0f} / {:.0f} / {:.0f} / {:.0f} / {:.0f} ms",
                   median_span(phases, &ContainerPhases::build_began, &ContainerPhases::built),
                   median_span(phases, &ContainerPhases::built, &ContainerPhases::image_pushed),
                   median_span(phases, &ContainerPhases::image_pushed, &ContainerPhases::container_started),
                   median_span(phases, &ContainerPhases::container_started, &ContainerPhases::healthy),
                   median_span(phases, &ContainerPhases::healthy, &ContainerPhases::live)),
       ""});
  if (polled_failures > 0) {
    rows.push_back({"(k) non-200 answers to the bench's own polling", std::to_string(polled_failures), "0"});
  }
}

}  // namespace slipway::bench
