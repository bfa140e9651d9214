// Table layout and character-aware text measuring.
#include "cli/table.h"

#include <algorithm>

namespace slipway::cli {

namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Length of the "\x1b[...X" sequence at the start of TEXT, 0 when there is none.
std::size_t escape_length(std::string_view text) {
  if (text.size() < 2 || text[0] != '\x1b' || text[1] != '[') return 0;
  for (std::size_t i = 2; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x40 && c <= 0x7E) return i + 1;  // the final byte of a CSI sequence
  }
  return text.size();
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (std::size_t skip = escape_length(text.substr(i)); skip > 0) {
      i += skip;
      continue;
    }
    if (!is_continuation_byte(text[i])) ++width;
    ++i;
  }
  return width;
}

std::string truncate(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep WIDTH - 1 characters and spend the last column on the ellipsis.
  std::size_t kept = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    if (!is_continuation_byte(text[end])) {
      if (kept == width - 1) break;
      ++kept;
    }
    ++end;
  }
  return std::string(text.substr(0, end)) + "…";
}

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), max_widths_(headers_.size(), 0), right_aligned_(headers_.size(), false) {}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::set_max_width(std::size_t column, std::size_t width) {
  if (column < max_widths_.size()) max_widths_[column] = width;
}

void Table::set_right_aligned(std::size_t column) {
  if (column < right_aligned_.size()) right_aligned_[column] = true;
}

std::string Table::render() const {
  std::vector<std::vector<std::string>> lines;
  lines.push_back(headers_);
  for (const auto& row : rows_) {
    std::vector<std::string> cells = row;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (max_widths_[c] > 0) cells[c] = truncate(cells[c], max_widths_[c]);
    }
    lines.push_back(std::move(cells));
  }

  std::vector<std::size_t> widths(headers_.size(), 0);
  for (const auto& line : lines) {
    for (std::size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], display_width(line[c]));
  }

  std::string out;
  for (const auto& line : lines) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      std::size_t padding = widths[c] - display_width(line[c]);
      if (c > 0) text += "  ";
      if (right_aligned_[c]) text.append(padding, ' ');
      text += line[c];
      if (!right_aligned_[c]) text.append(padding, ' ');
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out += text;
    out += '\n';
  }
  return out;
}

}  // namespace slipway::cli
