#include "http/sse_format.h"

#include "util/strings.h"

namespace slipway::http {

std::string format_sse_event(std::string_view event, std::string_view data, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!id.empty()) {
    out += "id: ";
    out += id;
    out += '\n';
  }
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  std::size_t start = 0;
  while (true) {
    auto end = data.find('\n', start);
    auto line = data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "data: ";
    out += line;
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out += '\n';
  return out;
}

std::string format_sse_comment(std::string_view text) { return ": " + std::string(text) + "\n\n"; }

std::string encode_log_cursor(const std::vector<std::uint64_t>& offsets) {
  std::string out = "o=";
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(offsets[i]);
  }
  return out;
}

std::optional<std::vector<std::uint64_t>> decode_log_cursor(std::string_view cursor) {
  if (cursor.substr(0, 2) != "o=") return std::nullopt;
  cursor.remove_prefix(2);
  std::vector<std::uint64_t> offsets;
  if (cursor.empty()) return offsets;
  if (cursor.size() > 64 * 1024) return std::nullopt;
  for (const auto& part : util::split(cursor, ',')) {
    unsigned long long value = 0;
    if (!util::parse_uint(part, value)) return std::nullopt;
    offsets.push_back(value);
  }
  return offsets;
}

}  // namespace slipway::http
