// Cron schedules of `on.schedule` in slipway.yml: the five standard fields
// (minute hour day-of-month month day-of-week), evaluated in UTC, and the
// next minute an expression names after a given time.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/expected.h"

namespace slipway::pipeline {

class CronExpression {
 public:
  // Fields take `*`, numbers, ranges `1-5`, lists `1,3`, steps `*/15`, `1-30/5` and `5/10`;
  // months and weekdays also take names (`jan`, `mon-fri`); weekday 7 is Sunday like 0.
  // The macros @hourly, @daily (@midnight), @weekly, @monthly and @yearly (@annually) stand
  // for their usual expressions. An expression that never matches (`0 0 30 2 *`) is an error.
  static util::Expected<CronExpression> parse(std::string_view text);

  // The first minute strictly after UNIX_SECONDS (UTC) that matches, in seconds since the
  // epoch; nothing when none does within eight years (only for expressions that never match).
  std::optional<std::int64_t> next_after(std::int64_t unix_seconds) const;

  // Whether the minute that starts at UNIX_SECONDS matches (seconds are ignored).
  bool matches(std::int64_t unix_seconds) const;

 private:
  bool day_matches(int day_of_month, int month, int weekday) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 (Sunday)..6
  // Like Vixie cron: when both day fields are restricted (neither starts with `*`), a day
  // matches if either does; otherwise both must.
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace slipway::pipeline
