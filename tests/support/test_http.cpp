#include "test_http.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "util/strings.h"

namespace slipway::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

std::pair<std::string, std::string> host_port(const std::string& base_url) {
  std::string rest = base_url.substr(base_url.find("://") + 3);
  auto colon = rest.rfind(':');
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

}  // namespace

nlohmann::json HttpResult::json() const { return nlohmann::json::parse(body, nullptr, false); }

HttpResult http_request(const std::string& method, const std::string& base_url, const std::string& target,
                        const std::string& body, const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  auto [host, port] = host_port(base_url);
  asio::ip::tcp::resolver resolver(io);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(resolver.resolve(host, port));
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, host);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST") {
    request.body() = body;
    if (request.find(http::field::content_type) == request.end()) {
      request.set(http::field::content_type, "application/json");
    }
    request.prepare_payload();
  }
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ULL << 30);
  http::read(stream, buffer, parser);
  HttpResult result;
  result.status = static_cast<int>(parser.get().result_int());
  result.body = parser.get().body();
  for (const auto& field : parser.get()) {
    result.headers[util::to_lower(std::string(field.name_string()))] = std::string(field.value());
  }
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return result;
}

std::string read_event_stream(const std::string& base_url, const std::string& target,
                              const std::map<std::string, std::string>& headers, int seconds) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  auto [host, port] = host_port(base_url);
  asio::ip::tcp::resolver resolver(io);
  stream.expires_after(std::chrono::seconds(seconds));
  stream.connect(resolver.resolve(host, port));
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, host);
  request.set(http::field::accept, "text/event-stream");
  for (const auto& [name, value] : headers) request.set(name, value);
  http::write(stream, request);
  std::string data;
  char buffer[16384];
  beast::error_code ec;
  while (true) {
    std::size_t n = stream.read_some(asio::buffer(buffer), ec);
    data.append(buffer, n);
    if (ec) break;
  }
  auto body = data.find("\r\n\r\n");
  return body == std::string::npos ? data : data.substr(body + 4);
}

}  // namespace slipway::testing
