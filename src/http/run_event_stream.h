// GET /api/v1/runs/ID/events: a run's state changes and log lines, live, as
// Server-Sent Events. Each follower reads the logs from the files at its own
// pace (a slow client never holds the others up or grows our memory), and
// each event id is the log cursor, so a reconnect resumes exactly.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <string>
#include <vector>

#include "http/server_context.h"
#include "scheduler/run_events.h"

namespace slipway::http {

class RunEventStream : public std::enable_shared_from_this<RunEventStream> {
 public:
  static void start(ServerContext& context, boost::beast::tcp_stream stream, store::Id run_id,
                    const std::string& last_event_id);

  RunEventStream(ServerContext& context, boost::beast::tcp_stream stream, store::Id run_id);

 private:
  void on_event(const scheduler::RunEvent& event);
  void pump();
  std::string next_payload();
  void append_logs(std::string& out, std::size_t budget);
  std::string cursor() const;
  void schedule_ping();
  void close();

  ServerContext& context_;
  boost::beast::tcp_stream stream_;
  store::Id run_id_;
  scheduler::RunEvents::Subscription subscription_;
  boost::asio::steady_timer ping_timer_;
  std::vector<std::uint64_t> offsets_;
  std::vector<store::Step> steps_;          // as last sent
  store::Run run_;                          // as last sent
  std::string out_;
  bool started_ = false;
  bool steps_dirty_ = true;
  bool run_dirty_ = true;
  bool ended_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace slipway::http
