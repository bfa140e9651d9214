#include "http/run_event_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/json_views.h"
#include "http/sse_format.h"
#include "util/error.h"
#include "util/fd.h"

namespace slipway::http {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kPayloadBudget = 256 * 1024;  // per write, so steps interleave fairly
constexpr std::chrono::seconds kPingInterval{15};
constexpr std::chrono::seconds kWriteTimeout{60};

}  // namespace

RunEventStream::RunEventStream(ServerContext& context, boost::beast::tcp_stream stream, store::Id run_id)
    : context_(context), stream_(std::move(stream)), run_id_(run_id), ping_timer_(context.io) {}

void RunEventStream::start(ServerContext& context, boost::beast::tcp_stream stream, store::Id run_id,
                           const std::string& last_event_id) {
  auto self = std::make_shared<RunEventStream>(context, std::move(stream), run_id);
  self->stream_.expires_never();  // the request's deadline is over; each write gets its own
  if (auto offsets = decode_log_cursor(last_event_id)) self->offsets_ = std::move(*offsets);
  std::weak_ptr<RunEventStream> weak = self;
  self->subscription_ = context.scheduler.events().subscribe(run_id, [weak](const scheduler::RunEvent& event) {
    if (auto me = weak.lock()) me->on_event(event);
  });
  self->schedule_ping();
  self->pump();
}

void RunEventStream::on_event(const scheduler::RunEvent& event) {
  if (event.kind == scheduler::RunEvent::Kind::step_changed) steps_dirty_ = true;
  if (event.kind == scheduler::RunEvent::Kind::run_changed) run_dirty_ = steps_dirty_ = true;
  pump();
}

void RunEventStream::pump() {
  if (writing_ || closed_) return;
  out_ = next_payload();
  if (out_.empty()) {
    if (ended_) close();
    return;
  }
  writing_ = true;
  stream_.expires_after(kWriteTimeout);  // a follower that stops reading is dropped
  asio::async_write(stream_, asio::buffer(out_), [self = shared_from_this()](boost::system::error_code ec,
                                                                                    std::size_t) {
    self->writing_ = false;
    if (ec) return self->close();
    self->pump();
  });
}

std::string RunEventStream::cursor() const { return encode_log_cursor(offsets_); }

std::string RunEventStream::next_payload() {
  std::string out;
  if (ended_) return out;
  if (steps_dirty_ || run_dirty_) {
    auto run = context_.store.find_run(run_id_);
    if (!run) {  // deleted while we followed it
      ended_ = true;
      return started_ ? format_sse_event("end", "{}", cursor()) : std::string();
    }
    auto steps = context_.store.list_steps(run_id_);
    if (offsets_.size() < steps.size()) offsets_.resize(steps.size(), 0);
    if (!started_) {
      started_ = true;
      out += "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
             "X-Accel-Buffering: no\r\nConnection: close\r\nServer: slipway\r\n\r\n";
      out += "retry: 2000\n\n";
      out += format_sse_event("run", run_with_steps_json(*run, steps, context_.scheduler).dump(), cursor());
      run_ = *run;
      steps_ = steps;
    } else {
      // Logs first, read with the new states so that a finished step's last
      // (unterminated) line goes out before the news that it ended.
      auto sent = std::move(steps_);
      steps_ = steps;
      append_logs(out, kPayloadBudget);
      for (std::size_t i = 0; i < steps.size(); ++i) {
        if (i < sent.size() && sent[i].status == steps[i].status) continue;
        out += format_sse_event(
            "step", step_json(steps[i], context_.scheduler.log_size(run_id_, steps[i].position)).dump(), cursor());
      }
      if (run->status != run_.status) {
        run_ = *run;
        if (!store::is_finished(run->status)) out += format_sse_event("run", run_json(*run).dump(), cursor());
      }
    }
    steps_dirty_ = run_dirty_ = false;
  }
  if (out.size() < kPayloadBudget) append_logs(out, kPayloadBudget - out.size());
  if (out.empty() && store::is_finished(run_.status)) {
    // Every log is sent to its end (append_logs found nothing): the stream is complete.
    ended_ = true;
    out += format_sse_event("end", run_with_steps_json(run_, steps_, context_.scheduler).dump(), cursor());
  }
  return out;
}

void RunEventStream::append_logs(std::string& out, std::size_t budget) {
  std::string chunk;
  for (std::size_t i = 0; i < steps_.size() && budget > 0; ++i) {
    std::uint64_t size = context_.scheduler.log_size(run_id_, steps_[i].position);
    if (offsets_[i] >= size) continue;
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size - offsets_[i], budget));
    chunk.resize(want);
    try {
      util::Fd fd = util::open_file(context_.layout.step_log(run_id_, steps_[i].position), O_RDONLY);
      ssize_t n = ::pread(fd.get(), chunk.data(), want, static_cast<off_t>(offsets_[i]));
      chunk.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    } catch (const util::Error&) {
      chunk.clear();
    }
    // Whole lines only while the step may still add to its last one.
    bool step_done = store::is_finished(steps_[i].status);
    if (!step_done && chunk.size() < budget) {
      auto newline = chunk.rfind('\n');
      chunk.resize(newline == std::string::npos ? 0 : newline + 1);
    }
    if (chunk.empty()) continue;
    nlohmann::json data = {{"step", steps_[i].position}, {"offset", offsets_[i]}, {"text", chunk}};
    offsets_[i] += chunk.size();
    out += format_sse_event("log", data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), cursor());
    budget = chunk.size() >= budget ? 0 : budget - chunk.size();
  }
}

void RunEventStream::schedule_ping() {
  ping_timer_.expires_after(kPingInterval);
  // The pending timer holds the stream alive while it waits for events.
  ping_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->closed_) return;
    if (!self->writing_ && self->started_) {
      self->out_ = format_sse_comment("ping");
      self->writing_ = true;
      self->stream_.expires_after(kWriteTimeout);
      asio::async_write(self->stream_, asio::buffer(self->out_),
                        [self](boost::system::error_code ec2, std::size_t) {
                          self->writing_ = false;
                          if (ec2) return self->close();
                          self->pump();
                        });
    }
    self->schedule_ping();
  });
}

void RunEventStream::close() {
  if (closed_) return;
  closed_ = true;
  subscription_.reset();
  ping_timer_.cancel();
  boost::system::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace slipway::http
