// The daemon's HTTP face: routes each request to the API, the git backend or
// the webhooks.
#pragma once

#include "http/metrics_route.h"
#include "http/server.h"
#include "http/server_context.h"

namespace slipway::http {

class Application final : public RequestHandler {
 public:
  explicit Application(ServerContext& context) : context_(context), metrics_(context) {}

  std::size_t body_limit(const HeaderParser::value_type& header) override;
  void take_over(boost::beast::tcp_stream stream, boost::beast::flat_buffer buffer,
                 std::unique_ptr<HeaderParser> parser, std::string remote_address) override;
  std::optional<Response> handle(Request& request, boost::beast::tcp_stream& stream) override;
  void answered(const Request& request, unsigned status, std::chrono::steady_clock::duration took) override;

 private:
  ServerContext& context_;
  MetricsScraper metrics_;
};

}  // namespace slipway::http
