#include "http/server.h"

#include <array>
#include <limits>
#include <boost/beast/core.hpp>
#include <chrono>

#include <spdlog/spdlog.h>

#include "util/error.h"

namespace slipway::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kIdleTimeout{120};
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kDrainLimit = 64 * 1024 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, RequestHandler& handler) : stream_(std::move(socket)), handler_(handler) {
    boost::system::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
  }

  void read_header() {
    header_parser_ = std::make_unique<HeaderParser>();
    header_parser_->header_limit(kHeaderLimit);
    // The body's limit depends on the route; it is set once the header is read.
    // (Not boost::none: Beast 1.74 compares a Content-Length against an empty
    // optional as "too large".)
    header_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(kIdleTimeout);
    beast_http::async_read_header(stream_, buffer_, *header_parser_,
                                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    self->on_header(ec);
                                  });
  }

 private:
  void on_header(beast::error_code ec) {
    if (ec) return close();
    std::size_t limit = handler_.body_limit(header_parser_->get());
    if (limit == 0) {
      stream_.expires_never();
      handler_.take_over(std::move(stream_), std::move(buffer_), std::move(header_parser_), remote_);
      return;
    }
    // Beast checks Content-Length against the limit only while parsing the
    // header, and that limit was "any": check a declared length here.
    auto length = header_parser_->content_length();
    if (length && *length > limit) return on_body(beast_http::error::body_limit);
    body_parser_ = std::make_unique<beast_http::request_parser<beast_http::string_body>>(std::move(*header_parser_));
    body_parser_->body_limit(limit);  // still applies to chunked bodies as they arrive
    beast_http::async_read(stream_, buffer_, *body_parser_,
                           [self = shared_from_this()](beast::error_code ec2, std::size_t) { self->on_body(ec2); });
  }

  void on_body(beast::error_code ec) {
    if (ec == beast_http::error::body_limit) {
      auto response = error_response(413, "request body too large");
      response.keep_alive(false);
      linger_ = true;
      return write(std::move(response), /*close_after=*/true);
    }
    if (ec) return close();
    Request request;
    request.raw = body_parser_->release();
    request.remote_address = remote_;
    parse_target(std::string_view(request.raw.target().data(), request.raw.target().size()), request.path,
                 request.query);
    bool keep_alive = request.raw.keep_alive();
    const auto started = std::chrono::steady_clock::now();
    std::optional<Response> response;
    try {
      response = handler_.handle(request, stream_);
    } catch (const HttpError& e) {
      response = error_response(e.status, e.message);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", std::string(request.raw.method_string()), request.path, e.what());
      response = error_response(500, "internal error: " + std::string(e.what()));
    }
    if (!response) return;  // the handler took the connection
    handler_.answered(request, response->result_int(), std::chrono::steady_clock::now() - started);
    response->keep_alive(keep_alive);
    response->set(beast_http::field::server, "slipway");
    write(std::move(*response), !keep_alive);
  }

  void write(Response response, bool close_after) {
    auto shared = std::make_shared<Response>(std::move(response));
    shared->prepare_payload();
    beast_http::async_write(stream_, *shared,
                            [self = shared_from_this(), shared, close_after](beast::error_code ec, std::size_t) {
                              if (ec || close_after) return self->close();
                              self->read_header();
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (linger_) return drain();
    stream_.close();
  }

  // After refusing a body we did not read, read and drop what the client is
  // still sending (bounded) before closing: closing with unread data makes
  // the kernel reset the connection, and the client may lose our answer.
  void drain() {
    stream_.expires_after(std::chrono::seconds(5));
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainLimit) return self->stream_.close();
                              self->drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  RequestHandler& handler_;
  std::string remote_;
  std::unique_ptr<HeaderParser> header_parser_;
  std::unique_ptr<beast_http::request_parser<beast_http::string_body>> body_parser_;
  bool linger_ = false;
  std::size_t drained_ = 0;
  std::array<char, 16 * 1024> drain_buffer_{};
};

}  // namespace

HttpServer::HttpServer(asio::io_context& io, const std::string& address, unsigned short port,
                       RequestHandler& handler)
    : io_(io), acceptor_(io), retry_timer_(io), handler_(handler) {
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) throw util::Error("invalid listen address '" + address + "'");
  tcp::endpoint endpoint(ip, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw util::Error("listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
}

void HttpServer::start() { accept(); }

void HttpServer::stop_accepting() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
}

unsigned short HttpServer::port() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void HttpServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Out of file descriptors, most likely: retrying at once would spin.
      spdlog::warn("accept: {}", ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](boost::system::error_code timer_ec) {
        if (!timer_ec) accept();
      });
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<Session>(std::move(socket), handler_)->read_header();
    accept();
  });
}

}  // namespace slipway::http
