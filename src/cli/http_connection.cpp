// HTTP/1.1 over Boost.Beast with per-operation deadlines.
#include "cli/http_connection.h"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <limits>

#ifndef SLIPWAY_VERSION
#define SLIPWAY_VERSION "dev"
#endif

namespace slipway::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpConnection::State {
  ServerUrl url;
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::buffer_body>> parser;

  // Runs the operation just started to completion; the stream's expiry bounds it.
  void run() {
    io.restart();
    io.run();
  }
};

namespace {

// "Connection refused" reads better mid-sentence as "connection refused".
std::string lower_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string seconds(std::chrono::milliseconds timeout) {
  return fmt::format("{}s", std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
}

}  // namespace

HttpConnection::HttpConnection(std::unique_ptr<State> state) : state_(std::move(state)) {}
HttpConnection::HttpConnection(HttpConnection&&) noexcept = default;
HttpConnection& HttpConnection::operator=(HttpConnection&&) noexcept = default;
HttpConnection::~HttpConnection() = default;

HttpConnection HttpConnection::open(const ServerUrl& url, std::chrono::milliseconds timeout) {
  auto state = std::make_unique<State>();
  state->url = url;
  auto unreachable = [&](const std::string& why) {
    return ConnectionError(
        fmt::format("cannot reach slipway at {}: {} — is `slipway serve` running?", url.text, why));
  };

  beast::error_code ec;
  tcp::resolver resolver(state->io);
  auto endpoints = resolver.resolve(url.host, url.port, ec);
  if (ec) throw unreachable(lower_first(ec.message()));

  state->stream.expires_after(timeout);
  state->stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  state->run();
  if (ec == beast::error::timeout) throw unreachable("no answer within " + seconds(timeout));
  if (ec) throw unreachable(lower_first(ec.message()));
  return HttpConnection(std::move(state));
}

int HttpConnection::start(const HttpRequest& request, std::chrono::milliseconds timeout) {
  State& s = *state_;
  http::request<http::string_body> message;
  message.method(http::string_to_verb(request.method));
  message.target(request.target);
  message.version(11);
  message.set(http::field::host, s.url.host_header());
  message.set(http::field::user_agent, "slipway-cli/" SLIPWAY_VERSION);
  message.set(http::field::connection, "close");  // one request per connection
  for (const auto& [name, value] : request.headers) message.set(name, value);
  if (!request.body.empty() || request.method == "POST") {
    message.body() = request.body;
    message.prepare_payload();
  }

  beast::error_code ec;
  s.stream.expires_after(timeout);
  http::async_write(s.stream, message, [&](beast::error_code e, std::size_t) { ec = e; });
  s.run();
  if (ec) {
    throw ConnectionError(fmt::format("lost the connection to slipway at {} while sending {} {}: {}",
                                      s.url.text, request.method, request.target, lower_first(ec.message())));
  }

  s.parser.emplace();
  s.parser->body_limit(std::numeric_limits<std::uint64_t>::max());  // event streams never end early
  s.stream.expires_after(timeout);
  http::async_read_header(s.stream, s.buffer, *s.parser, [&](beast::error_code e, std::size_t) { ec = e; });
  s.run();
  if (ec == beast::error::timeout) {
    throw ConnectionError(fmt::format("slipway at {} did not answer {} {} within {}", s.url.text,
                                      request.method, request.target, seconds(timeout)));
  }
  if (ec) {
    throw ConnectionError(fmt::format("bad answer from slipway at {} to {} {}: {}", s.url.text,
                                      request.method, request.target, lower_first(ec.message())));
  }
  return static_cast<int>(s.parser->get().result_int());
}

std::string HttpConnection::header(std::string_view name) const {
  if (!state_->parser) return {};
  const auto& fields = state_->parser->get();
  auto it = fields.find(beast::string_view(name.data(), name.size()));
  return it == fields.end() ? std::string() : std::string(it->value());
}

std::optional<std::string> HttpConnection::read_body_some(std::chrono::milliseconds idle) {
  State& s = *state_;
  if (!s.parser || s.parser->is_done()) return std::nullopt;

  std::string piece(std::size_t{16} * 1024, '\0');
  auto& body = s.parser->get().body();
  body.data = piece.data();
  body.size = piece.size();
  beast::error_code ec;
  s.stream.expires_after(idle);
  http::async_read_some(s.stream, s.buffer, *s.parser, [&](beast::error_code e, std::size_t) { ec = e; });
  s.run();
  if (ec == http::error::need_buffer) ec = {};  // PIECE is full: not an error
  if (ec == beast::error::timeout) {
    throw ConnectionError(fmt::format("slipway at {} sent nothing for {}", s.url.text, seconds(idle)));
  }
  if (ec) {
    throw ConnectionError(
        fmt::format("the connection to slipway at {} broke: {}", s.url.text, lower_first(ec.message())));
  }
  piece.resize(piece.size() - body.size);
  body.data = nullptr;
  return piece;
}

std::string HttpConnection::read_body(std::chrono::milliseconds idle) {
  std::string body;
  while (auto piece = read_body_some(idle)) body += *piece;
  return body;
}

}  // namespace slipway::cli
