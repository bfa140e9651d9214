// GET /metrics against the real daemon: the text parses as Prometheus'
// exposition format, and its numbers match the runs, steps, deployments,
// instances and requests the test made.
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include "daemon_fixture.h"
#include "sample_app.h"

namespace slipway::testing {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// The samples of an exposition, and the TYPE declared for each family.
// Fails the test on a line that is not `name{label="value",...} value`.
struct Exposition {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;

  static Exposition parse(const std::string& text) {
    Exposition out;
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      start = end + 1;
      if (line.empty()) continue;
      if (line.rfind("# TYPE ", 0) == 0) {
        auto space = line.find(' ', 7);
        out.types[line.substr(7, space - 7)] = line.substr(space + 1);
        continue;
      }
      if (line[0] == '#') continue;
      Sample sample;
      std::size_t i = line.find_first_of("{ ");
      sample.name = line.substr(0, i);
      if (i != std::string::npos && line[i] == '{') {
        ++i;
        while (i < line.size() && line[i] != '}') {
          auto eq = line.find('=', i);
          std::string name = line.substr(i, eq - i);
          EXPECT_EQ(line[eq + 1], '"') << line;
          std::string value;
          for (i = eq + 2; i < line.size() && line[i] != '"'; ++i) {
            if (line[i] == '\\' && i + 1 < line.size()) {
              ++i;
              value += line[i] == 'n' ? '\n' : line[i];
            } else {
              value += line[i];
            }
          }
          sample.labels[name] = value;
          ++i;  // the closing quote
          if (i < line.size() && line[i] == ',') ++i;
        }
        ++i;  // the closing brace
      }
      EXPECT_EQ(i < line.size() ? line[i] : '\0', ' ') << line;
      std::string value = line.substr(i + 1);
      char* rest = nullptr;
      sample.value = value == "+Inf" ? INFINITY : std::strtod(value.c_str(), &rest);
      EXPECT_TRUE(value == "+Inf" || (rest != nullptr && *rest == '\0')) << line;
      out.samples.push_back(std::move(sample));
    }
    return out;
  }

  // The samples called NAME whose labels include LABELS.
  std::vector<Sample> find(const std::string& name,
                           const std::map<std::string, std::string>& labels = {}) const {
    std::vector<Sample> out;
    for (const auto& sample : samples) {
      if (sample.name != name) continue;
      bool match = true;
      for (const auto& [key, value] : labels) {
        auto it = sample.labels.find(key);
        if (it == sample.labels.end() || it->second != value) match = false;
      }
      if (match) out.push_back(sample);
    }
    return out;
  }

  // The one sample called NAME with LABELS (-1 and a failure when there is not exactly one).
  double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    auto found = find(name, labels);
    EXPECT_EQ(found.size(), 1u) << name;
    return found.size() == 1 ? found[0].value : -1;
  }

  double sum(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    double total = 0;
    for (const auto& sample : find(name, labels)) total += sample.value;
    return total;
  }
};

// Checks that a histogram's buckets grow with `le`, end with +Inf, and that
// +Inf equals _count.
void expect_valid_histogram(const Exposition& metrics, const std::string& name,
                            const std::map<std::string, std::string>& labels) {
  auto buckets = metrics.find(name + "_bucket", labels);
  ASSERT_FALSE(buckets.empty()) << name;
  EXPECT_EQ(buckets.back().labels.at("le"), "+Inf");
  double previous_le = -1;
  double previous = 0;
  for (const auto& bucket : buckets) {
    double le = bucket.labels.at("le") == "+Inf" ? INFINITY : std::stod(bucket.labels.at("le"));
    EXPECT_GT(le, previous_le) << name;
    EXPECT_GE(bucket.value, previous) << name << " le=" << bucket.labels.at("le");
    previous_le = le;
    previous = bucket.value;
  }
  EXPECT_EQ(buckets.back().value, metrics.value(name + "_count", labels)) << name;
  EXPECT_GE(metrics.value(name + "_sum", labels), 0) << name;
}

class MetricsTest : public SlipwayTest {
 protected:
  HttpResult scrape(const std::string& token) {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return http_request("GET", daemon_.url(), "/metrics", "", headers);
  }

  Exposition scrape_ok(const std::string& token) {
    auto result = scrape(token);
    EXPECT_EQ(result.status, 200) << result.body;
    EXPECT_EQ(result.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    auto metrics = Exposition::parse(result.body);
    // Every sample belongs to a family with a TYPE line.
    for (const auto& sample : metrics.samples) {
      std::string family = sample.name;
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        auto base = sample.name.substr(0, sample.name.size() - std::string(suffix).size());
        if (sample.name.ends_with(suffix) && metrics.types.count(base) > 0 &&
            metrics.types.at(base) == "histogram") {
          family = base;
        }
      }
      EXPECT_EQ(metrics.types.count(family), 1u) << sample.name << " has no TYPE line";
    }
    return metrics;
  }

  nlohmann::json push_and_wait(const std::string& project, const std::string& yml) {
    auto repo = make_repo(project + std::to_string(++pushes_), {{"slipway.yml", yml}});
    auto pushed = push(repo, project);
    EXPECT_EQ(pushed.exit_code, 0) << pushed.output;
    auto runs = wait_for_runs(project, static_cast<std::size_t>(pushes_));
    return wait_for_run(runs[0]["id"].get<std::int64_t>());
  }

  int pushes_ = 0;
};

TEST_F(MetricsTest, CountsRunsStepsAndRequests) {
  start_daemon({"--executors", "2"});
  create_project("app");
  create_project("idle");
  std::vector<nlohmann::json> runs;
  runs.push_back(
      push_and_wait("app", "steps:\n  build:\n    run: echo build\n  test:\n    run: echo test\n"));
  runs.push_back(push_and_wait("app", "steps:\n  build:\n    run: sleep 0.2\n"));
  runs.push_back(push_and_wait("app", "steps:\n  build:\n    run: exit 3\n  test:\n    run: echo never\n"));
  ASSERT_EQ(runs[0]["status"], "success");
  ASSERT_EQ(runs[1]["status"], "success");
  ASSERT_EQ(runs[2]["status"], "failed");
  int finished_steps = 0;
  for (const auto& run : runs) {
    for (const auto& step : run["steps"]) {
      if (!step["started_at"].is_null() && !step["finished_at"].is_null()) ++finished_steps;
    }
  }
  EXPECT_EQ(finished_steps, 3 + 2 + 2);  // each setup step, and the skipped `test` never started

  EXPECT_EQ(scrape("").status, 401);
  EXPECT_EQ(scrape("slw_wrong").status, 401);
  const auto viewer = make_token("viewer", "prometheus");
  auto metrics = scrape_ok(viewer);

  EXPECT_EQ(metrics.value("slipway_build_info", {{"version", SLIPWAY_VERSION}}), 1);
  EXPECT_GT(metrics.value("slipway_start_time_seconds"), 1.7e9);
  EXPECT_EQ(metrics.types["slipway_runs"], "gauge");
  EXPECT_EQ(metrics.value("slipway_runs", {{"project", "app"}, {"status", "success"}}), 2);
  EXPECT_EQ(metrics.value("slipway_runs", {{"project", "app"}, {"status", "failed"}}), 1);
  EXPECT_EQ(metrics.value("slipway_runs", {{"project", "app"}, {"status", "queued"}}), 0);
  EXPECT_EQ(metrics.value("slipway_runs", {{"project", "app"}, {"status", "running"}}), 0);
  EXPECT_EQ(metrics.find("slipway_runs", {{"project", "app"}}).size(), 7u);  // every status, 0 included
  EXPECT_EQ(metrics.find("slipway_runs", {{"project", "idle"}}).size(), 7u);
  EXPECT_EQ(metrics.sum("slipway_runs", {{"project", "idle"}}), 0);
  EXPECT_EQ(metrics.value("slipway_steps_running"), 0);
  EXPECT_EQ(metrics.value("slipway_runs_queued"), 0);
  EXPECT_EQ(metrics.value("slipway_deployments_queued"), 0);

  EXPECT_EQ(metrics.types["slipway_step_duration_seconds"], "histogram");
  expect_valid_histogram(metrics, "slipway_step_duration_seconds", {{"project", "app"}});
  EXPECT_EQ(metrics.value("slipway_step_duration_seconds_count", {{"project", "app"}}), finished_steps);
  EXPECT_GE(metrics.value("slipway_step_duration_seconds_sum", {{"project", "app"}}), 0.2);  // the sleep
  EXPECT_TRUE(metrics.find("slipway_step_duration_seconds_count", {{"project", "idle"}}).empty());
  EXPECT_TRUE(metrics.find("slipway_deployments").empty());

  // Requests are counted by handler, method and code; never by path.
  const std::map<std::string, std::string> scrapes = {
      {"handler", "metrics"}, {"method", "GET"}, {"code", "200"}};
  const double api_before = metrics.sum("slipway_http_requests_total", {{"handler", "api"}});
  EXPECT_GT(api_before, 0);
  EXPECT_GE(metrics.sum("slipway_http_requests_total", {{"handler", "metrics"}, {"code", "401"}}), 2);
  EXPECT_GE(metrics.value("slipway_http_streams_total", {{"handler", "git"}}),
            3);  // a push is 2 or more requests
  for (const auto& sample : metrics.find("slipway_http_requests_total")) {
    EXPECT_EQ(sample.labels.size(), 3u);
    EXPECT_EQ(sample.labels.count("path"), 0u);
  }
  expect_valid_histogram(metrics, "slipway_http_request_duration_seconds", {{"handler", "api"}});

  EXPECT_EQ(api("GET", "/projects", nullptr, viewer).status, 200);
  EXPECT_EQ(api("GET", "/runs/999999", nullptr, viewer).status, 404);
  auto again = scrape_ok(viewer);
  EXPECT_EQ(again.sum("slipway_http_requests_total", {{"handler", "api"}}), api_before + 2);
  EXPECT_EQ(
      again.value("slipway_http_requests_total", {{"handler", "api"}, {"method", "GET"}, {"code", "404"}}),
      metrics.sum("slipway_http_requests_total", {{"handler", "api"}, {"code", "404"}}) + 1);
  EXPECT_EQ(again.value("slipway_http_requests_total", scrapes),
            metrics.sum("slipway_http_requests_total", scrapes) + 1);
  EXPECT_EQ(again.value("slipway_runs", {{"project", "app"}, {"status", "success"}}), 2);

  // The numbers come from the store: a restarted daemon shows the same runs and steps.
  daemon_.stop();
  start_daemon({"--executors", "2"});
  auto restarted = scrape_ok(viewer);
  EXPECT_EQ(restarted.value("slipway_runs", {{"project", "app"}, {"status", "success"}}), 2);
  EXPECT_EQ(restarted.value("slipway_step_duration_seconds_count", {{"project", "app"}}), finished_steps);
}

TEST_F(MetricsTest, PublicDaemonAnswersWithoutAToken) {
  start_daemon({"--public"});
  auto metrics = scrape_ok("");
  EXPECT_EQ(metrics.value("slipway_steps_running"), 0);
  EXPECT_EQ(scrape("slw_wrong").status, 401);  // a wrong token is still wrong
}

TEST_F(MetricsTest, DeploymentsAndInstanceHealth) {
  start_daemon();
  create_project("shop");
  auto repo = make_repo("shop", {{"app.py", kSampleApp},
                                 {"Procfile", kSampleProcfile},
                                 {"slipway.yml", kSamplePipeline},
                                 {"VERSION", "1"}});
  ASSERT_EQ(push(repo, "shop").exit_code, 0);
  auto run = wait_for_run(wait_for_runs("shop", 1)[0]["id"].get<std::int64_t>());
  ASSERT_EQ(run["status"], "success") << run.dump(2);
  auto deployment = wait_for_deployment(wait_for_deployments("shop", 1)[0]["id"].get<std::int64_t>());
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2);

  auto metrics = scrape_ok(admin_token_);
  const std::map<std::string, std::string> production = {{"app", "shop"}, {"environment", "production"}};
  auto with = [&](std::map<std::string, std::string> labels, const std::string& key,
                  const std::string& value) {
    labels[key] = value;
    return labels;
  };
  EXPECT_EQ(metrics.value("slipway_deployments", with(production, "status", "success")), 1);
  EXPECT_EQ(metrics.value("slipway_deployments", with(production, "status", "failed")), 0);
  EXPECT_EQ(metrics.find("slipway_deployments", production).size(), 8u);
  expect_valid_histogram(metrics, "slipway_deployment_duration_seconds", production);
  EXPECT_EQ(metrics.value("slipway_deployment_duration_seconds_count", production), 1);
  auto instance = with(with(production, "process", "web"), "instance", "1");
  EXPECT_EQ(metrics.value("slipway_instance_up", instance), 1);
  EXPECT_EQ(metrics.find("slipway_instance_up").size(), 1u);
}

}  // namespace
}  // namespace slipway::testing
