// Incremental parser for Server-Sent Events (the text/event-stream format of the
// WHATWG HTML standard): bytes go in as they arrive from the socket, in pieces of
// any size, and complete events come out. It knows nothing of sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::cli {

struct SseEvent {
  std::string id;     // the last event ID in force when the event was dispatched
  std::string event;  // "message" when the stream names no type
  std::string data;   // data lines joined by '\n'

  bool operator==(const SseEvent&) const = default;
};

class SseReader {
 public:
  // Parses BYTES and returns the events they complete, in stream order.
  std::vector<SseEvent> feed(std::string_view bytes);

  // What a reconnecting client sends as Last-Event-ID.
  const std::string& last_event_id() const { return last_event_id_; }
  // The reconnection delay the server asked for with "retry:", if it did.
  std::optional<long long> retry_ms() const { return retry_ms_; }

 private:
  void take_line(std::string_view line, std::vector<SseEvent>& out);
  void take_field(std::string_view name, std::string_view value);
  void dispatch(std::vector<SseEvent>& out);

  std::string line_;             // the line being received
  bool after_cr_ = false;        // the last byte was '\r': a '\n' next ends no new line
  bool at_stream_start_ = true;  // a UTF-8 BOM is skipped there
  std::string data_;
  std::string event_type_;
  bool has_data_ = false;
  std::string last_event_id_;
  std::optional<long long> retry_ms_;
};

}  // namespace slipway::cli
