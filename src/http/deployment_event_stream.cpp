#include "http/deployment_event_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/write.hpp>

#include "http/deploy_views.h"
#include "http/sse_format.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::http {

namespace asio = boost::asio;

namespace {

constexpr std::chrono::milliseconds kPollInterval{200};
constexpr int kPingEvery = 75;  // ticks: 15 s
constexpr std::size_t kPayloadBudget = 256 * 1024;
constexpr std::chrono::seconds kWriteTimeout{60};

}  // namespace

DeploymentEventStream::DeploymentEventStream(ServerContext& context, boost::beast::tcp_stream stream,
                                             store::Id deployment_id)
    : context_(context), stream_(std::move(stream)), deployment_id_(deployment_id), timer_(context.io) {}

void DeploymentEventStream::start(ServerContext& context, boost::beast::tcp_stream stream, store::Id deployment_id,
                                  const std::string& last_event_id) {
  auto self = std::make_shared<DeploymentEventStream>(context, std::move(stream), deployment_id);
  self->stream_.expires_never();
  unsigned long long offset = 0;
  if (util::parse_uint(last_event_id, offset)) self->offset_ = offset;
  self->tick();
}

void DeploymentEventStream::tick() {
  if (closed_) return;
  std::string payload = next_payload();
  if (!payload.empty()) {
    idle_ticks_ = 0;
    return write(std::move(payload));
  }
  if (ended_) return close();
  if (++idle_ticks_ >= kPingEvery) {
    idle_ticks_ = 0;
    return write(format_sse_comment("ping"));
  }
  timer_.expires_after(kPollInterval);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->tick();
  });
}

void DeploymentEventStream::write(std::string payload) {
  out_ = std::move(payload);
  stream_.expires_after(kWriteTimeout);
  asio::async_write(stream_, asio::buffer(out_), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
    if (ec) return self->close();
    if (self->ended_) return self->close();
    self->timer_.expires_after(std::chrono::milliseconds(1));
    self->timer_.async_wait([self](boost::system::error_code ec2) {
      if (!ec2) self->tick();
    });
  });
}

std::string DeploymentEventStream::next_payload() {
  std::string out;
  auto deployment = context_.store.find_deployment(deployment_id_);
  if (!deployment) {
    ended_ = true;
    return started_ ? format_sse_event("end", "{}", std::to_string(offset_)) : std::string();
  }
  if (!started_) {
    started_ = true;
    out += "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
           "X-Accel-Buffering: no\r\nConnection: close\r\nServer: slipway\r\n\r\nretry: 2000\n\n";
  }
  auto project = context_.store.find_project(deployment->project_id);
  const std::string view =
      deployment_json(*deployment,
                      project ? environment_url(context_.store, *project, deployment->environment, context_.proxy) : "")
          .dump();
  // The log first: a finished deployment's last lines go out before the news that it ended.
  const std::string path = context_.layout.deployment_log(deployment_id_);
  struct stat st {};
  std::uint64_t size = ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  if (offset_ < size) {
    std::string chunk(static_cast<std::size_t>(std::min<std::uint64_t>(size - offset_, kPayloadBudget)), '\0');
    try {
      util::Fd fd = util::open_file(path, O_RDONLY);
      ssize_t n = ::pread(fd.get(), chunk.data(), chunk.size(), static_cast<off_t>(offset_));
      chunk.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    } catch (const util::Error&) {
      chunk.clear();
    }
    // Lines are written whole; never send half of one, unless one line fills the budget.
    auto newline = chunk.rfind('\n');
    if (chunk.size() < kPayloadBudget) chunk.resize(newline == std::string::npos ? 0 : newline + 1);
    if (!chunk.empty()) {
      nlohmann::json data = {{"offset", offset_}, {"text", chunk}};
      offset_ += chunk.size();
      out += format_sse_event("log", data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                              std::to_string(offset_));
      return out;  // the rest on the next tick
    }
  }
  if (view != last_sent_) {
    last_sent_ = view;
    // A deployment waiting for approval has nothing more to say until someone acts on it.
    const bool ends = store::is_finished(deployment->status) || deployment->status == store::DeploymentStatus::waiting;
    out += format_sse_event(ends ? "end" : "deployment", view, std::to_string(offset_));
    ended_ = ends;
  }
  return out;
}

void DeploymentEventStream::close() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  boost::system::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace slipway::http
