// What every measure of slipway_bench shares: the table of results, time and
// percentile helpers, the real daemon in a temporary home (Bench) with git push
// and API helpers, and wrk (its command line, run in the background, its
// summary parsed).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "daemon_process.h"
#include "test_http.h"
#include "util/child_process.h"

namespace slipway::bench {

using Clock = std::chrono::steady_clock;

// One line of the table slipway_bench prints (and docs/benchmarks.md records).
struct Row {
  std::string what;
  std::string result;
  std::string target;
};
// The rows so far, in the order the measures add them.
extern std::vector<Row> rows;
void print_rows();

double ms_since(Clock::time_point start);
// The value at P percent (0-100) of VALUES, nearest rank; VALUES must not be empty.
double percentile(std::vector<double> values, double p);
// Now, in ms since the epoch: comparable with the daemon's timestamps.
std::int64_t wall_ms();
// An RFC 3339 timestamp of the API in ms since the epoch; 0 when VALUE is not one.
std::int64_t stamp(const nlohmann::json& value);
std::optional<std::string> find_in_path(const std::string& name);

// The real daemon in a fresh temporary home, driven like a user: git push over
// HTTP, the API with an admin token, pages through its nginx. Everything it
// started is stopped by PID when it goes.
class Bench {
 public:
  Bench();
  ~Bench();
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;

  void start(const std::vector<std::string>& args = {});
  // Starts the daemon with its nginx on a free loopback port (local deployments).
  void start_with_proxy();
  std::string proxy_url() const;

  // GET PATH through the daemon's nginx as HOST; status 0 when the connection failed.
  testing::HttpResult via_proxy(const std::string& host, const std::string& path = "/");

  testing::CommandResult git(const std::string& dir, const std::vector<std::string>& args);
  // Commits FILES in the work repository of PROJECT (made on first use); returns its directory.
  std::string commit(const std::string& project, const std::map<std::string, std::string>& files);
  void push(const std::string& project);

  // Waits until APP has COUNT deployments and the newest has ended; returns it.
  nlohmann::json wait_deployments(const std::string& app, std::size_t count, std::chrono::seconds limit);
  nlohmann::json wait_deployment(long id, std::chrono::seconds limit);
  std::string deployment_log(const nlohmann::json& deployment);

  // Polls GET / through nginx every 5 ms until the body contains WANTED;
  // returns the milliseconds since START and counts answers that were not 200.
  double wait_served(const std::string& host, const std::string& wanted, Clock::time_point start,
                     int& failures, std::chrono::seconds limit = std::chrono::seconds(60));

  std::string token();
  testing::HttpResult api(const std::string& method, const std::string& path,
                          const nlohmann::json& body = nullptr);

  // Creates PROJECT and pushes a repository whose pipeline is YML.
  void project_with(const std::string& project, const std::string& yml);
  // Waits until PROJECT has at least COUNT runs and none is queued or running.
  void wait_idle(const std::string& project, std::size_t count);

  std::string root_;
  std::string home_;
  std::string token_;
  int proxy_port_ = 0;
  testing::Daemon daemon_;
};

// What wrk printed: requests, failures and latency.
struct WrkResult {
  long requests = 0;
  long non_2xx = 0;
  long socket_errors = 0;
  std::string socket_detail = "none";
  double p50_ms = -1, p99_ms = -1, max_ms = -1;
  double seconds = 0;
};

WrkResult parse_wrk(const std::string& out);

// `wrk -t1 -c4 -dSECONDS -H 'Host: HOST' PROXY/ --latency`: four requests in flight through
// the daemon's nginx, as fast as they are answered (wrk has no fixed-rate mode).
std::vector<std::string> wrk_argv(const std::string& wrk, const Bench& bench, int seconds,
                                  const std::string& host = "shop.localhost");

// ARGV (of wrk_argv) with a Lua script, written to DIR/NAME.lua, that notes in DIR/NAME.gaps
// every gap of more than THRESHOLD_MS between two responses on any connection: with all
// connections busy, such a gap is a stall of the whole path, not one slow request.
std::vector<std::string> with_stall_script(std::vector<std::string> argv, const std::string& dir,
                                           const std::string& name, double threshold_ms);

struct Stall {
  std::int64_t began = 0;  // ms since the epoch
  double ms = 0;
};
// The stalls noted in DIR/NAME.gaps (none when wrk noted none).
std::vector<Stall> read_stalls(const std::string& dir, const std::string& name);

// wrk over a window whose length is not known beforehand: started with a long -d, stopped
// with SIGINT, on which it prints its summary. Killed if it is dropped while running.
class BackgroundWrk {
 public:
  // Starts ARGV with its output to OUT_PATH; throws when it cannot.
  static BackgroundWrk start(const std::vector<std::string>& argv, const std::string& out_path);
  // SIGINT, up to 5 s for wrk to exit, then its summary; throws when it does not stop.
  WrkResult stop();

 private:
  BackgroundWrk(std::string out_path, util::ChildProcess child)
      : out_path_(std::move(out_path)), child_(std::move(child)) {}
  std::string out_path_;
  util::ChildProcess child_;
};

}  // namespace slipway::bench
