#include "http/metrics_route.h"

#include <boost/asio/post.hpp>
#include <boost/beast/http/write.hpp>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http/deploy_views.h"
#include "http/metrics_text.h"
#include "http/route_helpers.h"
#include "store/sqlite_store.h"
#include "util/error.h"

#include <spdlog/spdlog.h>

namespace slipway::http {

namespace {

// Upper bounds of the duration histograms, in seconds: a step of a tenth of a
// second to a deployment of half an hour.
const std::vector<double> kDurationBounds = {0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800};

constexpr store::RunStatus kRunStatuses[] = {store::RunStatus::queued,    store::RunStatus::running,
                                             store::RunStatus::success,   store::RunStatus::failed,
                                             store::RunStatus::cancelled, store::RunStatus::interrupted,
                                             store::RunStatus::skipped};

constexpr store::DeploymentStatus kDeploymentStatuses[] = {
    store::DeploymentStatus::queued,    store::DeploymentStatus::running,
    store::DeploymentStatus::waiting,   store::DeploymentStatus::success,
    store::DeploymentStatus::failed,    store::DeploymentStatus::superseded,
    store::DeploymentStatus::cancelled, store::DeploymentStatus::interrupted};

std::vector<store::TimeMs> bounds_ms() {
  std::vector<store::TimeMs> out;
  for (double seconds : kDurationBounds) out.push_back(static_cast<store::TimeMs>(seconds * 1000));
  return out;
}

Histogram histogram_of(const store::DurationCounts& counts) {
  Histogram histogram;
  histogram.bounds = kDurationBounds;
  histogram.cumulative = counts.cumulative;
  histogram.count = counts.count;
  histogram.sum = static_cast<double>(counts.sum_ms) / 1000.0;
  return histogram;
}

// What the event loop knows: the process, the executor slots.
void write_process(MetricsText& out, const ServerContext& context) {
  out.family("slipway_build_info", "gauge", "Always 1; the version label says which Slipway runs.");
  out.sample("slipway_build_info", {{"version", SLIPWAY_VERSION}}, 1);
  out.family("slipway_start_time_seconds", "gauge",
             "When the daemon started, in seconds since the Unix epoch.");
  out.sample("slipway_start_time_seconds", {}, static_cast<double>(context.started_at_ms) / 1000.0);
  out.family("slipway_steps_running", "gauge", "Steps holding an executor slot now (setup steps included).");
  out.sample("slipway_steps_running", {}, static_cast<double>(context.scheduler.running_steps()));
}

// Every status of every project, 0 included, so that a rate or an alert on
// one status has a series before the first run reaches it.
void write_runs(MetricsText& out, store::Store& store) {
  std::map<std::pair<std::string, std::string>, std::int64_t> counts;
  for (const auto& c : store.count_runs()) counts[{c.project, c.status}] = c.count;
  out.family("slipway_runs", "gauge", "Runs in the store, by project and status.");
  for (const auto& project : store.list_projects()) {
    for (auto status : kRunStatuses) {
      std::string name(store::to_string(status));
      auto it = counts.find({project.name, name});
      out.sample("slipway_runs", {{"project", project.name}, {"status", name}},
                 it == counts.end() ? 0 : static_cast<double>(it->second));
    }
  }
  std::int64_t queued = 0;
  for (const auto& [key, count] : counts) queued += key.second == "queued" ? count : 0;
  out.family("slipway_runs_queued", "gauge", "Runs waiting for an executor: the queue's length.");
  out.sample("slipway_runs_queued", {}, static_cast<double>(queued));
  out.family("slipway_step_duration_seconds", "histogram",
             "How long finished steps took (setup steps included; skipped steps never ran), by project.");
  for (const auto& d : store.step_durations(bounds_ms())) {
    out.histogram("slipway_step_duration_seconds", {{"project", d.project}}, histogram_of(d));
  }
}

// Every status of every app environment that has had a deployment.
void write_deployments(MetricsText& out, store::Store& store) {
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::int64_t>> counts;
  for (const auto& c : store.count_deployments())
    counts[{c.project, c.environment}][c.status] = c.count;
  out.family("slipway_deployments", "gauge", "Deployments in the store, by app, environment and status.");
  for (const auto& [where, by_status] : counts) {
    for (auto status : kDeploymentStatuses) {
      std::string name(store::to_string(status));
      auto it = by_status.find(name);
      out.sample("slipway_deployments",
                 {{"app", where.first}, {"environment", where.second}, {"status", name}},
                 it == by_status.end() ? 0 : static_cast<double>(it->second));
    }
  }
  std::int64_t queued = 0;
  for (const auto& [where, by_status] : counts) {
    auto it = by_status.find("queued");
    queued += it == by_status.end() ? 0 : it->second;
  }
  out.family("slipway_deployments_queued", "gauge", "Deployments waiting for their environment or a worker.");
  out.sample("slipway_deployments_queued", {}, static_cast<double>(queued));
  out.family("slipway_deployment_duration_seconds", "histogram",
             "How long finished deployments took from start to end, by app and environment.");
  for (const auto& d : store.deployment_durations(bounds_ms())) {
    out.histogram("slipway_deployment_duration_seconds", {{"app", d.project}, {"environment", d.environment}},
                  histogram_of(d));
  }
}

// The instances of each environment's live deployment (those behind nginx),
// with the status the API shows: state.json of supervised processes, no
// docker call for containers.
void write_instances(MetricsText& out, store::Store& store) {
  std::map<store::Id, std::string> names;
  for (const auto& project : store.list_projects()) names[project.id] = project.name;
  std::set<store::Id> live;
  for (const auto& l : store.list_live()) live.insert(l.deployment_id);
  out.family(
      "slipway_instance_up", "gauge",
      "1 when an instance of a live deployment is running, else 0 (starting, backoff, crashed, stopped).");
  for (const auto& instance : store.list_instances(std::nullopt, /*active_only=*/true)) {
    if (live.count(instance.deployment_id) == 0) continue;
    out.sample("slipway_instance_up",
               {{"app", names[instance.project_id]},
                {"environment", instance.environment},
                {"process", instance.process},
                {"instance", std::to_string(instance.index)}},
               instance_status(instance) == "running" ? 1 : 0);
  }
}

}  // namespace

MetricsScraper::MetricsScraper(ServerContext& context) : context_(context), worker_([this] { work(); }) {}

MetricsScraper::~MetricsScraper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void MetricsScraper::start(const Request& request, boost::beast::tcp_stream& stream) {
  require_method(request, {beast_http::verb::get});
  context_.auth.require(Credentials::of(request), store::Role::viewer);
  auto scrape = std::make_shared<Scrape>(Scrape{std::move(stream), request, {}, std::chrono::steady_clock::now()});
  {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= kMostPending) {
      scrape->response = error_response(503, "too many scrapes at once");
      finish(scrape);
      return;
    }
    pending_.push_back(scrape);
  }
  wake_.notify_one();
}

void MetricsScraper::work() {
  std::unique_ptr<store::SqliteStore> store;  // this thread's own connection: the loop's stays free
  while (true) {
    std::shared_ptr<Scrape> scrape;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;
      scrape = pending_.front();
    }
    std::string text;
    try {
      if (!store) {
        auto opened = store::SqliteStore::open(context_.layout.database());
        if (!opened) throw util::Error(opened.error());
        store = std::move(*opened);
      }
      MetricsText out;
      write_runs(out, *store);
      write_deployments(out, *store);
      write_instances(out, *store);
      text = out.text();
    } catch (const std::exception& e) {
      spdlog::warn("metrics: {}", e.what());
      text.clear();
      store.reset();
    }
    // The rest on the loop, which owns the scheduler and the request counters.
    boost::asio::post(context_.io, [this, scrape, text = std::move(text)] {
      if (text.empty()) {
        scrape->response = error_response(500, "the store could not be read; see the daemon's log");
      } else {
        MetricsText out;
        write_process(out, context_);
        context_.requests.write(out);
        scrape->response = text_response(200, out.text() + text, kMetricsContentType);
      }
      finish(scrape);
    });
    std::lock_guard lock(mutex_);
    pending_.pop_front();
  }
}

void MetricsScraper::finish(const std::shared_ptr<Scrape>& scrape) {
  scrape->response.set(beast_http::field::server, "slipway");
  scrape->response.set(beast_http::field::connection, "close");
  scrape->response.prepare_payload();
  beast_http::async_write(scrape->stream, scrape->response, [this, scrape](boost::system::error_code, std::size_t) {
    context_.requests.answered(scrape->request, scrape->response.result_int(),
                               std::chrono::steady_clock::now() - scrape->started);
    boost::system::error_code ignored;
    scrape->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    scrape->stream.close();
  });
}

}  // namespace slipway::http
