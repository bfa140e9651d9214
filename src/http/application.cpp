#include "http/application.h"

#include "http/api_routes.h"
#include "http/dashboard_routes.h"
#include "http/forge_hook.h"
#include "http/git_backend_session.h"
#include "http/metrics_route.h"

namespace slipway::http {

namespace {

constexpr std::size_t kBodyLimit = 1024 * 1024;  // API and webhook bodies (GitHub caps payloads at 25 MB; pushes fit)

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

std::size_t Application::body_limit(const HeaderParser::value_type& header) {
  std::string_view target(header.target().data(), header.target().size());
  if (starts_with(target, "/git/")) return 0;
  return kBodyLimit;
}

void Application::take_over(boost::beast::tcp_stream stream, boost::beast::flat_buffer buffer,
                            std::unique_ptr<HeaderParser> parser, std::string remote_address) {
  context_.requests.streamed("git");
  serve_git(context_, std::move(stream), std::move(buffer), std::move(parser), std::move(remote_address));
}

std::optional<Response> Application::handle(Request& request, boost::beast::tcp_stream& stream) {
  const std::string& path = request.path;
  if (path == "/api/v1" || starts_with(path, "/api/v1/")) {
    auto response = handle_api(context_, request, stream);
    if (!response) context_.requests.streamed("api");  // an event stream
    return response;
  }
  if (path == "/metrics") {
    metrics_.start(request, stream);
    return std::nullopt;
  }
  if (starts_with(path, "/hooks/")) {
    return handle_forge_hook(context_, request, std::string_view(path).substr(std::string_view("/hooks/").size()));
  }
  if (auto page = handle_dashboard(request)) return page;
  throw HttpError{404, "not found: " + path};
}

void Application::answered(const Request& request, unsigned status, std::chrono::steady_clock::duration took) {
  context_.requests.answered(request, status, took);
}

}  // namespace slipway::http
