// Server-Sent Events parsing, following the "Interpreting an event stream" rules of
// the HTML standard so any conforming server (and any proxy in between) works.
#include "cli/sse_reader.h"

#include "util/strings.h"

namespace slipway::cli {

std::vector<SseEvent> SseReader::feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  if (at_stream_start_ && !bytes.empty()) {
    // The BOM may itself arrive split; wait until three bytes are known.
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    std::string_view seen = bytes.substr(0, kBom.size() - std::min(line_.size(), kBom.size()));
    std::string head = line_ + std::string(seen);
    if (kBom.starts_with(head) && head.size() < kBom.size()) {
      line_ = head;
      return out;
    }
    at_stream_start_ = false;
    if (head.starts_with(kBom)) {
      bytes.remove_prefix(seen.size());
      line_.clear();
    }
  }

  for (char c : bytes) {
    if (c == '\n' && after_cr_) {  // the second half of a "\r\n"
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c == '\r' || c == '\n') {
      take_line(line_, out);
      line_.clear();
    } else {
      line_ += c;
    }
  }
  return out;
}

void SseReader::take_line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    dispatch(out);
    return;
  }
  if (line.front() == ':') return;  // a comment: keep-alive pings
  auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    take_field(line, "");
    return;
  }
  std::string_view value = line.substr(colon + 1);
  if (value.starts_with(' ')) value.remove_prefix(1);
  take_field(line.substr(0, colon), value);
}

void SseReader::take_field(std::string_view name, std::string_view value) {
  if (name == "data") {
    data_ += value;
    data_ += '\n';
    has_data_ = true;
  } else if (name == "event") {
    event_type_ = std::string(value);
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_event_id_ = std::string(value);
  } else if (name == "retry") {
    unsigned long long ms = 0;
    if (util::parse_uint(value, ms)) retry_ms_ = static_cast<long long>(ms);
  }
  // Other field names are ignored, as the standard says.
}

void SseReader::dispatch(std::vector<SseEvent>& out) {
  if (!has_data_) {  // an event without data is not dispatched, but its type is forgotten
    event_type_.clear();
    return;
  }
  data_.pop_back();  // the '\n' after the last data line
  out.push_back(SseEvent{last_event_id_, event_type_.empty() ? "message" : event_type_, data_});
  data_.clear();
  event_type_.clear();
  has_data_ = false;
}

}  // namespace slipway::cli
