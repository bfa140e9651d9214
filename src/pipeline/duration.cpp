// Parsing of slipway.yml durations; see duration.h for the accepted forms.
#include "pipeline/duration.h"

#include <cstdint>
#include <string>

#include "pipeline/quoted.h"
#include "util/strings.h"

namespace slipway::pipeline {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct Unit {
  std::string_view name;
  std::int64_t milliseconds;
};

// Largest first: the order in which parts must be written.
constexpr Unit units[] = {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}};

const std::string unit_hint = "use a number with a unit: ms, s, m or h (e.g. 30s, 10m, 1h30m)";

}  // namespace

util::Expected<Milliseconds> parse_duration(std::string_view text, ZeroDuration zero) {
  std::string_view rest = util::trim(text);
  if (rest.empty()) return util::unexpected("empty duration; " + unit_hint);
  const std::string text_quoted = quoted(rest);

  // Index into `units` of the previous part, so that parts go largest first and appear once.
  int previous_unit = -1;
  std::int64_t total = 0;
  while (!rest.empty()) {
    std::size_t digits = 0;
    while (digits < rest.size() && is_digit(rest[digits])) ++digits;
    if (digits == 0) return util::unexpected("invalid duration " + text_quoted + ": " + unit_hint);
    // Anything with more than 9 digits is far beyond the 7-day maximum in every unit.
    if (digits > 9) return util::unexpected("duration " + text_quoted + " is too long (at most 7 days)");
    std::int64_t number = 0;
    for (std::size_t i = 0; i < digits; ++i) number = number * 10 + (rest[i] - '0');
    rest.remove_prefix(digits);

    if (!rest.empty() && rest.front() == '.') {
      return util::unexpected("invalid duration " + text_quoted +
                              ": use whole numbers, e.g. 1m30s instead of 1.5m");
    }
    std::size_t letters = 0;
    while (letters < rest.size() && is_letter(rest[letters])) ++letters;
    if (letters == 0) {
      if (rest.empty() && previous_unit < 0) {
        return util::unexpected("duration " + text_quoted + " has no unit; add one: ms, s, m or h (e.g. " +
                                std::string(util::trim(text)) + "s)");
      }
      return util::unexpected("invalid duration " + text_quoted + ": " + unit_hint);
    }
    std::string_view unit_name = rest.substr(0, letters);
    rest.remove_prefix(letters);

    int unit = -1;
    for (int i = 0; i < static_cast<int>(std::size(units)); ++i) {
      if (units[i].name == unit_name) unit = i;
    }
    if (unit < 0) {
      return util::unexpected("invalid duration " + text_quoted + ": unknown unit " + quoted(unit_name) +
                              "; " + unit_hint);
    }
    if (unit <= previous_unit) {
      return util::unexpected("invalid duration " + text_quoted +
                              ": write each unit once, largest first (e.g. 1h30m)");
    }
    previous_unit = unit;
    total += number * units[unit].milliseconds;
    if (total > max_duration.count()) {
      return util::unexpected("duration " + text_quoted + " is too long (at most 7 days)");
    }
  }
  if (total == 0 && zero == ZeroDuration::rejected) {
    return util::unexpected("duration " + text_quoted + " must be greater than zero");
  }
  return Milliseconds(total);
}

}  // namespace slipway::pipeline
