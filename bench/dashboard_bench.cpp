// The dashboard's measures: (l) its first load in headless Chromium (bytes and
// time to the drawn page, by tests/browser/first_load.mjs), and (m) 100 live-log
// viewers on a step printing 10,000 lines a second while other clients use the API.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "bench_common.h"
#include "cli/human_format.h"
#include "measures.h"

namespace slipway::bench {

namespace {

using testing::run_command;

// What one viewer of a run's event stream received of step 1.
struct Viewer {
  long long bytes = 0;  // contiguous bytes of the log, from offset 0
  long long lines = 0;
  bool gap = false;     // an event whose offset was not where the previous one ended
  bool ended = false;   // the stream sent `end`
  std::string error;
};

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// Reads the run's event stream to its end, counting step STEP's lines as they come.
Viewer view(int port, const std::string& token, long run_id, int step, int seconds) {
  Viewer viewer;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    viewer.error = "connect failed";
    return viewer;
  }
  std::string request = fmt::format(
      "GET /api/v1/runs/{}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nAccept: text/event-stream\r\n\r\n",
      run_id, token);
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string buffer;
  char chunk[65536];
  bool headers_done = false;
  while (!viewer.ended) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    if (!headers_done) {
      auto end = buffer.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      buffer.erase(0, end + 4);
      headers_done = true;
    }
    std::size_t start = 0;
    for (auto end = buffer.find("\n\n"); end != std::string::npos; end = buffer.find("\n\n", start)) {
      std::string_view event(buffer.data() + start, end - start);
      start = end + 2;
      if (event.find("event: end") != std::string_view::npos) viewer.ended = true;
      if (event.find("event: log") == std::string_view::npos) continue;
      auto data = event.find("data: ");
      auto json = nlohmann::json::parse(event.substr(data + 6, event.find('\n', data) - data - 6), nullptr, false);
      if (!json.is_object() || json.value("step", -1) != step) continue;
      const auto& text = json["text"].get_ref<const std::string&>();
      if (json["offset"].get<long long>() != viewer.bytes) viewer.gap = true;
      viewer.bytes = json["offset"].get<long long>() + static_cast<long long>(text.size());
      viewer.lines += std::count(text.begin(), text.end(), '\n');
    }
    buffer.erase(0, start);
  }
  ::close(fd);
  if (!viewer.ended && viewer.error.empty()) viewer.error = "the stream stopped before its end";
  return viewer;
}

// GETs of the run (a small JSON) one after the other until STOP; each one's latency in ms.
std::vector<double> api_latencies(Bench& bench, long run_id, const std::atomic<bool>& stop) {
  std::vector<double> out;
  const std::string path = "/api/v1/runs/" + std::to_string(run_id);
  const std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + bench.token()}};
  while (!stop && out.size() < 200000) {
    auto start = Clock::now();
    auto result = testing::http_request("GET", bench.daemon_.url(), path, "", headers);
    if (result.status != 200) throw std::runtime_error("API answered " + std::to_string(result.status));
    out.push_back(ms_since(start));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return out;
}

constexpr int kLinesPerSecond = 10000;

// A step that prints LINES lines of ~64 bytes at 10,000 a second (100 every 10 ms).
std::string loud_pipeline(int lines) {
  return fmt::format(R"(steps:
  loud:
    run: |
      python3 -u -c '
      import sys, time
      start = time.time()
      for i in range({0} // 100):
          sys.stdout.write("".join("line %07d of the loud step, padded to sixty-four bytes.....\n" % (i * 100 + j) for j in range(100)))
          sys.stdout.flush()
          late = start + (i + 1) / 100.0 - time.time()
          if late > 0:
              time.sleep(late)
      '
)",
                     lines);
}

struct LoudRun {
  std::vector<double> latencies;
  std::vector<Viewer> viewers;
  double step_seconds = 0;
};

LoudRun loud_run(Bench& bench, int viewers, int lines) {
  LoudRun out;
  auto run = bench.api("POST", "/projects/loud/runs").json();
  const long id = run["id"].get<long>();
  std::mutex mutex;
  std::vector<std::thread> threads;
  out.viewers.resize(static_cast<std::size_t>(viewers));
  const int port = port_of(bench.daemon_.url());
  for (int i = 0; i < viewers; ++i) {
    threads.emplace_back([&, i] { out.viewers[static_cast<std::size_t>(i)] = view(port, bench.token(), id, 1, 120); });
  }
  std::atomic<bool> stop{false};
  std::vector<double> a, b;
  std::thread client_a([&] { a = api_latencies(bench, id, stop); });
  std::thread client_b([&] { b = api_latencies(bench, id, stop); });
  auto deadline = Clock::now() + std::chrono::seconds(120);
  nlohmann::json finished;
  while (Clock::now() < deadline) {
    finished = bench.api("GET", "/runs/" + std::to_string(id)).json();
    std::string status = finished.value("status", "");
    if (status != "queued" && status != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  client_a.join();
  client_b.join();
  for (auto& thread : threads) thread.join();
  if (finished.value("status", "") != "success") throw std::runtime_error("the loud run did not succeed: " + finished.dump());
  auto step = finished["steps"][1];
  out.step_seconds = static_cast<double>(*cli::parse_timestamp(step["finished_at"].get<std::string>()) -
                                         *cli::parse_timestamp(step["started_at"].get<std::string>())) / 1000.0;
  out.latencies = std::move(a);
  out.latencies.insert(out.latencies.end(), b.begin(), b.end());
  return out;
}

}  // namespace

void bench_dashboard_first_load(int loads) {
  auto node = find_in_path("node");
  if (!node) throw std::runtime_error("(l) needs node (and npm ci --prefix tests/browser)");
  Bench bench;
  bench.start();
  // Something to show: 10 projects with a few runs each.
  for (int p = 0; p < 10; ++p) {
    bench.project_with("app" + std::to_string(p), "steps:\n  build:\n    run: echo built\n  test:\n    run: echo tested\n");
  }
  for (int p = 0; p < 10; ++p) bench.wait_idle("app" + std::to_string(p), 1);
  auto out = run_command({*node, std::string(SLIPWAY_SOURCE_DIR) + "/tests/browser/first_load.mjs", bench.daemon_.url(),
                          bench.token(), std::to_string(loads)},
                         "", {}, std::chrono::seconds(300));
  if (out.exit_code != 0) throw std::runtime_error("first_load.mjs failed: " + out.output);
  auto json = nlohmann::json::parse(out.output.substr(out.output.rfind('{')));
  auto numbers = [&](const char* key) { return json[key].get<std::vector<double>>(); };
  rows.push_back({fmt::format("(l) dashboard first load, bytes transferred (page, script, styles, API; {} loads)", loads),
                  fmt::format("{:.1f} KB ({:.0f} requests)", percentile(numbers("bytes"), 50) / 1024,
                              percentile(numbers("requests"), 50)),
                  "<= 150 KB"});
  rows.push_back({"(l) same, navigation start -> projects page drawn (median / worst)",
                  fmt::format("{:.0f} / {:.0f} ms (first contentful paint {:.0f} ms)", percentile(numbers("drawn_ms"), 50),
                              percentile(numbers("drawn_ms"), 100), percentile(numbers("fcp_ms"), 50)),
                  "<= 300 ms"});
}

void bench_live_log_viewers(int viewers, int seconds) {
  const int lines = kLinesPerSecond * seconds;
  Bench bench;
  bench.start();
  bench.project_with("loud", loud_pipeline(lines));
  bench.wait_idle("loud", 1);
  auto alone = loud_run(bench, 0, lines);
  auto watched = loud_run(bench, viewers, lines);
  int complete = 0;
  std::string problem;
  for (const auto& viewer : watched.viewers) {
    if (viewer.error.empty() && !viewer.gap && viewer.lines == lines) {
      ++complete;
    } else if (problem.empty()) {
      problem = fmt::format(" (first problem: {} lines, gap {}, {})", viewer.lines, viewer.gap, viewer.error);
    }
  }
  rows.push_back({fmt::format("(m) {} live-log viewers of a step printing {} lines/s for {} s: viewers that got every line",
                              viewers, kLinesPerSecond, seconds),
                  fmt::format("{} of {}{}", complete, viewers, problem), "all"});
  rows.push_back({"(m) the step's wall time, alone / watched",
                  fmt::format("{:.1f} s / {:.1f} s", alone.step_seconds, watched.step_seconds), ""});
  rows.push_back({"(m) GET /runs/ID meanwhile (2 clients), without viewers: p50 / p99 / max",
                  fmt::format("{:.1f} / {:.1f} / {:.1f} ms ({} requests)", percentile(alone.latencies, 50),
                              percentile(alone.latencies, 99), percentile(alone.latencies, 100), alone.latencies.size()),
                  ""});
  rows.push_back({fmt::format("(m) same with the {} viewers: p50 / p99 / max", viewers),
                  fmt::format("{:.1f} / {:.1f} / {:.1f} ms ({} requests)", percentile(watched.latencies, 50),
                              percentile(watched.latencies, 99), percentile(watched.latencies, 100), watched.latencies.size()),
                  "p99 <= 20 ms"});
}

}  // namespace slipway::bench
