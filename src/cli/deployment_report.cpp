// Formatting of deployments for people.
#include "cli/deployment_report.h"

#include <fmt/format.h>

#include <vector>

#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "cli/run_report.h"
#include "cli/table.h"
#include "cli/terminal.h"
#include "util/strings.h"

namespace slipway::cli {

namespace {

constexpr std::size_t kReasonWidth = 40;

std::string release_text(const nlohmann::json& deployment, const char* key) {
  std::int64_t number = integer_of(deployment, key, 0);
  return number > 0 ? std::to_string(number) : "-";
}

// "release 3 → production", "rollback to release 2 → production".
std::string what_goes_where(const nlohmann::json& deployment) {
  std::string kind = text_of(deployment, "kind");
  return fmt::format("{}release {} → {}", kind == "rollback" ? "rollback to " : "",
                     release_text(deployment, "release"), printable(text_of(deployment, "environment")));
}

std::string age_of(const nlohmann::json& object, const char* key, std::int64_t now_ms) {
  auto time = parse_timestamp(text_of(object, key));
  return time ? format_age(*time, now_ms) : "";
}

}  // namespace

std::string deployment_line(const nlohmann::json& deployment) {
  return fmt::format("deployment {}: {} ({})", integer_of(deployment, "id", 0), what_goes_where(deployment),
                     printable(text_of(deployment, "status")));
}

std::string deployment_summary(const nlohmann::json& deployment, bool colour, std::int64_t now_ms) {
  std::string status = text_of(deployment, "status");
  std::string line = fmt::format("deployment {} ({}, {}): {}", integer_of(deployment, "id", 0),
                                 printable(text_of(deployment, "app")), what_goes_where(deployment),
                                 paint(status, status_colour(status), colour));
  if (auto elapsed = elapsed_ms(deployment, now_ms)) {
    const char* preposition = status == "success" ? "in" : status == "running" ? "for" : "after";
    line += fmt::format(" {} {}", preposition, format_duration(*elapsed));
  }
  std::string reason = text_of(deployment, "reason");
  std::string url = text_of(deployment, "url");
  if (!reason.empty()) {
    line += " — " + printable(reason);
  } else if (status == "success" && !url.empty()) {
    line += " — " + printable(url);
  }
  return line;
}

std::string started_deployments(const nlohmann::json& deployments) {
  std::vector<std::string> parts;
  if (!deployments.is_array()) return "";
  for (const auto& deployment : deployments) {
    parts.push_back(fmt::format("deployment {} ({})", integer_of(deployment, "id", 0),
                                printable(text_of(deployment, "environment"))));
  }
  return util::join(parts, ", ");
}

std::string deployments_table(const nlohmann::json& deployments, bool colour, std::int64_t now_ms) {
  Table table({"ID", "ENV", "KIND", "RELEASE", "STATUS", "TRIGGER", "STARTED", "DURATION", "REASON"});
  table.set_right_aligned(0);
  table.set_right_aligned(3);
  table.set_max_width(8, kReasonWidth);
  for (const auto& deployment : deployments) {
    std::string status = text_of(deployment, "status");
    std::string started = age_of(deployment, "started_at", now_ms);
    auto elapsed = elapsed_ms(deployment, now_ms);
    table.add_row({std::to_string(integer_of(deployment, "id", 0)), printable(text_of(deployment, "environment")),
                   printable(text_of(deployment, "kind")), release_text(deployment, "release"),
                   paint(status, status_colour(status), colour), printable(text_of(deployment, "trigger")),
                   started.empty() ? "-" : started, elapsed ? format_duration(*elapsed) : "",
                   printable(text_of(deployment, "reason"))});
  }
  return table.render();
}

std::string deployment_details(const nlohmann::json& deployment, bool colour, std::int64_t now_ms) {
  std::string out;
  auto field = [&out](const char* label, const std::string& value) {
    if (!value.empty()) out += fmt::format("  {:<10}{}\n", label, value);
  };
  std::string status = text_of(deployment, "status");
  out += fmt::format("deployment {}\n", integer_of(deployment, "id", 0));
  field("app", printable(text_of(deployment, "app")));
  field("env", printable(text_of(deployment, "environment")));
  field("kind", printable(text_of(deployment, "kind")));
  std::string release = release_text(deployment, "release");
  if (integer_of(deployment, "previous_release", 0) > 0)
    release += " (was " + release_text(deployment, "previous_release") + ")";
  field("release", release);
  field("status", paint(status, status_colour(status), colour));
  field("reason", printable(text_of(deployment, "reason")));
  field("trigger", printable(text_of(deployment, "trigger")));
  field(status == "cancelled" ? "by" : "approved", printable(text_of(deployment, "approved_by")));
  field("url", printable(text_of(deployment, "url")));
  field("created", age_of(deployment, "created_at", now_ms));
  field("started", age_of(deployment, "started_at", now_ms));
  if (auto elapsed = elapsed_ms(deployment, now_ms)) field("duration", format_duration(*elapsed));
  const nlohmann::json& hosts = array_of(deployment, "hosts");
  if (!hosts.empty()) {
    Table table({"HOST", "STATUS", "SENT", "DETAIL"});
    table.set_right_aligned(2);
    table.set_max_width(3, 70);
    for (const auto& host : hosts) {
      const std::string host_status = text_of(host, "status");
      table.add_row({printable(text_of(host, "host")), paint(host_status, status_colour(host_status), colour),
                     std::to_string(integer_of(host, "bytes_sent", 0)), printable(text_of(host, "detail"))});
    }
    out += "\n" + table.render();
  }
  return out;
}

}  // namespace slipway::cli
