#include "pipeline/cron_expression.h"

#include <array>
#include <chrono>
#include <vector>

#include "util/strings.h"

namespace slipway::pipeline {

namespace {

struct FieldRule {
  const char* name;
  int min;
  int max;
  const char* const* names;  // index 0 names value MIN; null: numbers only
  int name_count;
};

constexpr const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kWeekdayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr std::array<FieldRule, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day of month", 1, 31, nullptr, 0},
    {"month", 1, 12, kMonthNames, 12},
    {"day of week", 0, 7, kWeekdayNames, 7},
}};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

util::Expected<int> field_value(const FieldRule& rule, std::string_view text) {
  if (rule.names != nullptr) {
    std::string name = lower(text);
    for (int i = 0; i < rule.name_count; ++i) {
      if (name == rule.names[i]) return rule.min + i;
    }
  }
  unsigned long long value = 0;
  if (text.empty() || text.size() > 4 || !util::parse_uint(text, value)) {
    return util::unexpected("'" + std::string(text) + "' is not a number" +
                            (rule.names != nullptr ? " or a name" : ""));
  }
  if (static_cast<int>(value) < rule.min || static_cast<int>(value) > rule.max) {
    return util::unexpected(std::to_string(value) + " is out of range " + std::to_string(rule.min) + "-" +
                            std::to_string(rule.max));
  }
  return static_cast<int>(value);
}

// One comma-separated part: `*`, `N`, `A-B`, each optionally `/STEP`. Sets VALUES[v - rule.min].
util::Expected<void> parse_part(const FieldRule& rule, std::string_view part, std::vector<bool>& values) {
  std::string_view range = part;
  int step = 1;
  bool stepped = false;
  if (auto slash = part.find('/'); slash != std::string_view::npos) {
    range = part.substr(0, slash);
    unsigned long long parsed = 0;
    auto step_text = part.substr(slash + 1);
    if (!util::parse_uint(step_text, parsed) || parsed == 0 || parsed > static_cast<unsigned>(rule.max)) {
      return util::unexpected("step '" + std::string(step_text) + "' must be a number from 1 to " +
                              std::to_string(rule.max));
    }
    step = static_cast<int>(parsed);
    stepped = true;
  }
  int first = rule.min;
  int last = rule.max;
  if (range != "*") {
    auto dash = range.find('-');
    auto low = field_value(rule, range.substr(0, dash));
    if (!low) return util::unexpected(low.error());
    first = *low;
    if (dash != std::string_view::npos) {
      auto high = field_value(rule, range.substr(dash + 1));
      if (!high) return util::unexpected(high.error());
      last = *high;
      if (last < first) {
        return util::unexpected("range '" + std::string(range) + "' goes backwards");
      }
    } else if (!stepped) {
      last = first;  // a single value; `5/10` means 5-MAX/10, as in Vixie cron
    }
  }
  for (int v = first; v <= last; v += step) values[static_cast<std::size_t>(v - rule.min)] = true;
  return {};
}

util::Expected<std::vector<bool>> parse_field(const FieldRule& rule, std::string_view text) {
  std::vector<bool> values(static_cast<std::size_t>(rule.max - rule.min + 1), false);
  for (const auto& part : util::split(text, ',')) {
    if (part.empty()) return util::unexpected(std::string("empty list item"));
    if (auto parsed = parse_part(rule, part, values); !parsed) return util::unexpected(parsed.error());
  }
  return values;
}

std::string_view macro_expansion(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return {};
}

struct CivilMinute {
  std::chrono::year_month_day date;
  int weekday = 0;
  int hour = 0;
  int minute = 0;
};

CivilMinute civil(std::int64_t unix_seconds) {
  using namespace std::chrono;
  sys_seconds time{seconds(unix_seconds)};
  auto day = floor<days>(time);
  auto in_day = duration_cast<minutes>(time - day).count();
  return {year_month_day(day), static_cast<int>(weekday(day).c_encoding()), static_cast<int>(in_day / 60),
          static_cast<int>(in_day % 60)};
}

std::int64_t day_start(const std::chrono::year_month_day& date) {
  return std::chrono::sys_seconds(std::chrono::sys_days(date)).time_since_epoch().count();
}

}  // namespace

util::Expected<CronExpression> CronExpression::parse(std::string_view text) {
  std::string_view trimmed = util::trim(text);
  if (trimmed.starts_with('@')) {
    auto expanded = macro_expansion(lower(trimmed));
    if (expanded.empty()) {
      return util::unexpected("unknown macro '" + std::string(trimmed) +
                              "'; known: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually");
    }
    trimmed = expanded;
  }
  std::vector<std::string> fields;
  for (const auto& word : util::split(trimmed, ' ')) {
    if (!word.empty()) fields.push_back(word);
  }
  if (fields.size() != 5) {
    return util::unexpected("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                            std::to_string(fields.size()));
  }
  CronExpression cron;
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    auto values = parse_field(kFields[i], fields[i]);
    if (!values)
      return util::unexpected(std::string(kFields[i].name) + " field '" + fields[i] + "': " + values.error());
    for (std::size_t v = 0; v < values->size(); ++v) {
      if (!(*values)[v]) continue;
      int value = kFields[i].min + static_cast<int>(v);
      switch (i) {
        case 0:
          cron.minutes_.set(static_cast<std::size_t>(value));
          break;
        case 1:
          cron.hours_.set(static_cast<std::size_t>(value));
          break;
        case 2:
          cron.days_.set(static_cast<std::size_t>(value));
          break;
        case 3:
          cron.months_.set(static_cast<std::size_t>(value));
          break;
        default:
          cron.weekdays_.set(static_cast<std::size_t>(value % 7));
          break;
      }
    }
  }
  cron.days_restricted_ = !fields[2].starts_with('*');
  cron.weekdays_restricted_ = !fields[4].starts_with('*');
  if (!cron.next_after(0)) return util::unexpected(std::string("the expression never matches a date"));
  return cron;
}

bool CronExpression::day_matches(int day_of_month, int month, int weekday) const {
  if (!months_.test(static_cast<std::size_t>(month))) return false;
  bool day = days_.test(static_cast<std::size_t>(day_of_month));
  bool week = weekdays_.test(static_cast<std::size_t>(weekday));
  if (days_restricted_ && weekdays_restricted_) return day || week;
  return day && week;
}

bool CronExpression::matches(std::int64_t unix_seconds) const {
  auto t = civil(unix_seconds);
  return day_matches(static_cast<int>(static_cast<unsigned>(t.date.day())),
                     static_cast<int>(static_cast<unsigned>(t.date.month())), t.weekday) &&
         hours_.test(static_cast<std::size_t>(t.hour)) && minutes_.test(static_cast<std::size_t>(t.minute));
}

std::optional<std::int64_t> CronExpression::next_after(std::int64_t unix_seconds) const {
  // Day by day (at most eight years: Feb 29 may be that far apart around 2100), then
  // hour and minute within a matching day.
  std::int64_t start = unix_seconds - (((unix_seconds % 60) + 60) % 60) + 60;
  auto first = civil(start);
  std::int64_t day = day_start(first.date);
  for (int i = 0; i < 8 * 366 + 1; ++i, day += 86400) {
    auto d = civil(day);
    if (!day_matches(static_cast<int>(static_cast<unsigned>(d.date.day())),
                     static_cast<int>(static_cast<unsigned>(d.date.month())), d.weekday)) {
      continue;
    }
    for (int hour = 0; hour < 24; ++hour) {
      if (!hours_.test(static_cast<std::size_t>(hour))) continue;
      for (int minute = 0; minute < 60; ++minute) {
        if (!minutes_.test(static_cast<std::size_t>(minute))) continue;
        std::int64_t candidate = day + hour * 3600 + minute * 60;
        if (candidate >= start) return candidate;
      }
    }
  }
  return std::nullopt;
}

}  // namespace slipway::pipeline
