// GET /metrics: the daemon's state for Prometheus, in its text format. Run and
// deployment counts and durations come from the store at scrape time (one
// aggregate query per family), so they need no state here and survive restarts;
// request counts come from the server's RequestMetrics. Needs a viewer token.
//
// The aggregates read the whole history (half a second at 400,000 steps), so
// they run on the scraper's own thread with its own SQLite connection; the
// event loop only adds what it owns and writes the answer.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "http/request.h"
#include "http/server_context.h"

namespace slipway::http {

class MetricsScraper {
 public:
  explicit MetricsScraper(ServerContext& context);
  ~MetricsScraper();  // waits for the scrape in progress
  MetricsScraper(const MetricsScraper&) = delete;
  MetricsScraper& operator=(const MetricsScraper&) = delete;

  // Checks the method and the token (throws HttpError before anything is
  // taken), then takes STREAM and answers on it when the scrape is done.
  void start(const Request& request, boost::beast::tcp_stream& stream);

 private:
  struct Scrape {
    boost::beast::tcp_stream stream;
    Request request;
    Response response;
    std::chrono::steady_clock::time_point started;
  };
  static constexpr std::size_t kMostPending = 4;

  void work();
  void finish(const std::shared_ptr<Scrape>& scrape);

  ServerContext& context_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Scrape>> pending_;
  bool stopping_ = false;
  std::thread worker_;  // last: starts once the rest is ready
};

}  // namespace slipway::http
