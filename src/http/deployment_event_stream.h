// GET /api/v1/deployments/ID/events: a deployment's state changes and log
// lines as Server-Sent Events. Deployments run on worker threads, so the
// stream looks at the store and the log file on a short timer instead of
// subscribing; the event id is the log offset reached, so a reconnect with
// Last-Event-ID resumes without loss or repeat.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "http/server_context.h"

namespace slipway::http {

class DeploymentEventStream : public std::enable_shared_from_this<DeploymentEventStream> {
 public:
  static void start(ServerContext& context, boost::beast::tcp_stream stream, store::Id deployment_id,
                    const std::string& last_event_id);

  DeploymentEventStream(ServerContext& context, boost::beast::tcp_stream stream, store::Id deployment_id);

 private:
  void tick();
  std::string next_payload();
  void write(std::string payload);
  void close();

  ServerContext& context_;
  boost::beast::tcp_stream stream_;
  store::Id deployment_id_;
  boost::asio::steady_timer timer_;
  std::uint64_t offset_ = 0;
  std::string last_sent_;     // the deployment JSON as last sent
  std::string out_;
  int idle_ticks_ = 0;
  bool started_ = false;
  bool ended_ = false;
  bool closed_ = false;
};

}  // namespace slipway::http
