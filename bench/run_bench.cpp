// The CI core against the real daemon (docs/benchmarks.md):
//  a) trigger -> run finished latency of a one-step no-op pipeline
//  b) throughput of 1000 runs queued at once
//  c) daemon RSS idle and after many runs
//  d) run-list API latency with 100,000 runs in the database
//  e) capturing 100 MB of step output versus the same command to /dev/null
#include <sys/types.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bench_common.h"
#include "cli/human_format.h"
#include "measures.h"
#include "store/sqlite_store.h"
#include "util/crypto.h"

namespace slipway::bench {

namespace fs = std::filesystem;
using namespace slipway::testing;

namespace {

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

const char* kNoop = "steps:\n  noop:\n    run: 'true'\n";

}  // namespace

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

}  // namespace slipway::bench
