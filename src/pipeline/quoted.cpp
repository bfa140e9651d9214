// Quoting of user text inside error messages; see quoted.h.
#include "pipeline/quoted.h"

namespace slipway::pipeline {

std::string quoted(std::string_view text) {
  constexpr std::size_t max_bytes = 64;
  bool shortened = false;
  if (text.size() > max_bytes) {
    std::size_t cut = max_bytes;
    // Do not split a UTF-8 sequence: step back over continuation bytes (10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
    shortened = true;
  }
  std::string out = "'";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += c;
    }
  }
  if (shortened) out += "...";
  out += "'";
  return out;
}

}  // namespace slipway::pipeline
