// Aligned plain-text tables for listings (`slipway runs`, `project list`, ...), and
// the measuring and cutting of text they need: widths count characters, not bytes,
// and ignore ANSI colour sequences, so coloured and non-ASCII cells still line up.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::cli {

// Columns a terminal uses for TEXT: one per UTF-8 character, none for "\x1b[...m".
// (East Asian wide characters count as one; good enough for a listing.)
std::size_t display_width(std::string_view text);

// TEXT cut to at most WIDTH columns, ending in "…" when something was cut.
// Cuts only between UTF-8 characters. Meant for text without colour sequences.
std::string truncate(std::string_view text, std::size_t width);

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Cells beyond the header count are dropped; missing ones are empty.
  void add_row(std::vector<std::string> cells);
  // Cells of COLUMN wider than WIDTH are truncated with "…".
  void set_max_width(std::size_t column, std::size_t width);
  // Numbers read better flush right.
  void set_right_aligned(std::size_t column);

  bool empty() const { return rows_.empty(); }
  // Header and rows, columns two spaces apart, no trailing blanks, each line ending in '\n'.
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> max_widths_;  // 0: unlimited
  std::vector<bool> right_aligned_;
};

}  // namespace slipway::cli
