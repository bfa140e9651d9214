// Formatting of apps, instances, releases and config for people.
#include "cli/app_report.h"

#include <fmt/format.h>

#include <set>
#include <vector>

#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "cli/table.h"
#include "cli/terminal.h"
#include "util/strings.h"

namespace slipway::cli {

namespace {

constexpr const char* kHidden = "****";
constexpr std::size_t kValueWidth = 60;

std::string number_or_dash(const nlohmann::json& object, const char* key) {
  std::int64_t number = integer_of(object, key, 0);
  return number > 0 ? std::to_string(number) : "-";
}

std::string age_of(const nlohmann::json& object, const char* key, std::int64_t now_ms) {
  auto time = parse_timestamp(text_of(object, key));
  return time ? format_age(*time, now_ms) : "";
}

std::string painted_status(const nlohmann::json& object, bool colour) {
  std::string status = text_of(object, "status");
  return paint(printable(status), status_colour(status), colour);
}

std::string printable_list(const std::vector<std::string>& items) {
  std::vector<std::string> shown;
  for (const auto& item : items) shown.push_back(printable(item));
  return util::join(shown, ", ");
}

}  // namespace

std::string apps_table(const nlohmann::json& apps, bool colour, std::int64_t now_ms) {
  Table table({"APP", "ENV", "RELEASE", "STATUS", "URL", "SINCE"});
  table.set_right_aligned(2);
  for (const auto& app : apps) {
    std::string name = printable(text_of(app, "name"));
    const nlohmann::json& environments = array_of(app, "environments");
    if (environments.empty()) table.add_row({name, "", "-", "none"});
    for (const auto& environment : environments) {
      table.add_row({name, printable(text_of(environment, "name")), number_or_dash(environment, "release"),
                     painted_status(environment, colour), printable(text_of(environment, "url")),
                     age_of(environment, "since", now_ms)});
    }
  }
  return table.render();
}

std::string environments_table(const nlohmann::json& app, bool colour, std::int64_t now_ms) {
  Table table({"ENV", "RELEASE", "COMMIT", "STATUS", "URL", "SINCE", "DOMAINS"});
  table.set_right_aligned(1);
  for (const auto& environment : array_of(app, "environments")) {
    table.add_row({printable(text_of(environment, "name")), number_or_dash(environment, "release"),
                   short_commit(text_of(environment, "commit")), painted_status(environment, colour),
                   printable(text_of(environment, "url")), age_of(environment, "since", now_ms),
                   printable_list(texts_of(environment, "domains"))});
  }
  return table.render();
}

std::string instances_table(const nlohmann::json& instances, bool colour) {
  std::set<std::string> environments;
  for (const auto& instance : instances) environments.insert(text_of(instance, "environment"));
  bool with_environment = environments.size() > 1;

  std::vector<std::string> headers = {"PROCESS", "INDEX", "STATUS", "PID", "PORT", "RELEASE", "RESTARTS"};
  if (with_environment) headers.insert(headers.begin(), "ENV");
  Table table(headers);
  std::size_t first = with_environment ? 1 : 0;
  for (std::size_t column : {1, 3, 4, 5, 6}) table.set_right_aligned(first + column);
  for (const auto& instance : instances) {
    std::vector<std::string> row = {
        printable(text_of(instance, "process")), std::to_string(integer_of(instance, "index", 0)),
        painted_status(instance, colour),        number_or_dash(instance, "pid"),
        number_or_dash(instance, "port"),        number_or_dash(instance, "release"),
        std::to_string(integer_of(instance, "restarts", 0))};
    if (with_environment) row.insert(row.begin(), printable(text_of(instance, "environment")));
    table.add_row(std::move(row));
  }
  return table.render();
}

std::string releases_table(const nlohmann::json& releases, std::int64_t now_ms) {
  // With an ssh environment asked for, the releases carry which hosts hold them.
  bool with_hosts = false;
  for (const auto& release : releases) with_hosts = with_hosts || release.contains("hosts");
  std::vector<std::string> headers = {"NUMBER", "COMMIT", "RUN", "CONFIG", "TYPE", "CREATED", "LIVE"};
  if (with_hosts) headers.push_back("HOSTS");
  Table table(headers);
  for (std::size_t column : {0, 2, 3}) table.set_right_aligned(column);
  for (const auto& release : releases) {
    std::vector<std::string> row = {std::to_string(integer_of(release, "number", 0)),
                                    short_commit(text_of(release, "commit")), number_or_dash(release, "run"),
                                    number_or_dash(release, "config_version"), printable(text_of(release, "app_type")),
                                    age_of(release, "created_at", now_ms),
                                    printable_list(texts_of(release, "current_in"))};
    if (with_hosts) {
      std::vector<std::string> held;
      for (const auto& host : array_of(release, "hosts")) {
        held.push_back(printable(text_of(host, "host")) + (flag_of(host, "live") ? " (live)" : ""));
      }
      row.push_back(held.empty() ? "-" : util::join(held, ", "));
    }
    table.add_row(row);
  }
  return table.render();
}

std::string config_table(const nlohmann::json& config) {
  Table table({"KEY", "VALUE"});
  table.set_max_width(1, kValueWidth);
  for (const auto& entry : config) {
    bool secret = flag_of(entry, "secret");
    table.add_row({printable(text_of(entry, "key")),
                   secret ? std::string(kHidden) + " (secret)" : printable(text_of(entry, "value"))});
  }
  return table.render();
}

std::string formation_text(const nlohmann::json& formation) {
  std::vector<std::string> parts;
  if (formation.is_object()) {
    for (const auto& [process, count] : formation.items()) {
      parts.push_back(fmt::format("{}={}", printable(process), count.is_number_integer() ? count.dump() : "?"));
    }
  }
  return parts.empty() ? "none" : util::join(parts, " ");
}

}  // namespace slipway::cli
