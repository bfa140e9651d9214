// Summaries and detail views of runs.
#include "cli/run_report.h"

#include <fmt/format.h>

#include "cli/exit_status.h"
#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "cli/table.h"
#include "cli/terminal.h"
#include "util/strings.h"

namespace slipway::cli {

namespace {

// The first step that failed, for a failure summary without a run-level reason.
const nlohmann::json* first_failed_step(const nlohmann::json& run) {
  for (const auto& step : array_of(run, "steps")) {
    if (text_of(step, "status") == "failed") return &step;
  }
  return nullptr;
}

std::string exit_code_text(const nlohmann::json& step) {
  std::int64_t code = integer_of(step, "exit_code", -1);
  return code >= 0 ? std::to_string(code) : "";
}

}  // namespace

std::optional<std::int64_t> elapsed_ms(const nlohmann::json& object, std::int64_t now_ms) {
  auto started = parse_timestamp(text_of(object, "started_at"));
  if (!started) return std::nullopt;
  auto finished = parse_timestamp(text_of(object, "finished_at"));
  return (finished ? *finished : now_ms) - *started;
}

std::string step_outcome(const nlohmann::json& step, std::int64_t now_ms) {
  std::string status = text_of(step, "status");
  if (!is_finished_status(status)) return "";
  std::vector<std::string> parts;
  if (std::string code = exit_code_text(step); !code.empty()) parts.push_back("exit " + code);
  if (auto elapsed = elapsed_ms(step, now_ms)) parts.push_back(format_duration(*elapsed));
  std::string out = parts.empty() ? "" : " (" + util::join(parts, ", ") + ")";
  std::string reason = text_of(step, "reason");
  // "exit status 3" says nothing "(exit 3, ...)" did not.
  bool says_more = !reason.empty() && reason != "exit status " + exit_code_text(step);
  if (says_more) out += " — " + printable(reason);
  return out;
}

std::string summary_line(const nlohmann::json& run, bool colour, std::int64_t now_ms) {
  std::string status = text_of(run, "status");
  std::string line =
      fmt::format("run {} ({}, {} @ {}): {}", integer_of(run, "id", 0), printable(text_of(run, "project")),
                  printable(text_of(run, "branch")), short_commit(text_of(run, "commit")),
                  paint(status, status_colour(status), colour));
  auto elapsed = elapsed_ms(run, now_ms);
  if (elapsed) {
    const char* preposition = status == "success" ? "in" : status == "running" ? "for" : "after";
    line += fmt::format(" {} {}", preposition, format_duration(*elapsed));
  }

  if (std::string reason = text_of(run, "reason"); !reason.empty()) {
    line += " — " + printable(reason);
  } else if (const nlohmann::json* step = first_failed_step(run); step != nullptr && status == "failed") {
    line += " — " + printable(text_of(*step, "name")) + " failed";
    if (std::string code = exit_code_text(*step); !code.empty()) line += " (exit " + code + ")";
  }
  return line;
}

std::string runs_table(const nlohmann::json& runs, bool colour, std::int64_t now_ms) {
  Table table({"ID", "PROJECT", "STATUS", "BRANCH", "COMMIT", "MESSAGE", "CREATED", "TIME"});
  table.set_right_aligned(0);
  table.set_max_width(1, 20);
  table.set_max_width(3, 20);
  table.set_max_width(5, 40);
  for (const auto& run : runs) {
    std::string status = text_of(run, "status");
    auto created = parse_timestamp(text_of(run, "created_at"));
    auto elapsed = elapsed_ms(run, now_ms);
    table.add_row({std::to_string(integer_of(run, "id", 0)), printable(text_of(run, "project")),
                   paint(status, status_colour(status), colour), printable(text_of(run, "branch")),
                   short_commit(text_of(run, "commit")), printable(text_of(run, "message")),
                   created ? format_age(*created, now_ms) : "", elapsed ? format_duration(*elapsed) : ""});
  }
  return table.render();
}

std::string run_details(const nlohmann::json& run, bool colour, std::int64_t now_ms) {
  std::string status = text_of(run, "status");
  std::string out =
      fmt::format("run {}  {}", integer_of(run, "id", 0), paint(status, status_colour(status), colour));
  if (is_finished_status(status)) out += fmt::format("  (exit status {})", exit_status_for_run(status));
  out += "\n";

  auto field = [&](const char* name, const std::string& value) {
    if (!value.empty()) out += fmt::format("  {:<9}{}\n", name, value);
  };
  field("project", printable(text_of(run, "project")));
  field("branch", printable(text_of(run, "branch")));
  std::string commit = text_of(run, "commit");
  std::string message = printable(text_of(run, "message"));
  field("commit", short_commit(commit) + (message.empty() ? "" : "  " + truncate(message, 72)));
  field("trigger", printable(text_of(run, "trigger")));
  if (auto created = parse_timestamp(text_of(run, "created_at")))
    field("created", format_age(*created, now_ms));
  if (auto elapsed = elapsed_ms(run, now_ms)) {
    field(is_finished_status(status) ? "took" : "running", format_duration(*elapsed));
  }
  field("reason", printable(text_of(run, "reason")));

  const nlohmann::json& steps = array_of(run, "steps");
  if (steps.empty()) return out;
  Table table({"#", "STEP", "STATUS", "EXIT", "TIME", "REASON"});
  table.set_right_aligned(0);
  table.set_max_width(5, 60);
  for (const auto& step : steps) {
    std::string step_status = text_of(step, "status");
    auto elapsed = elapsed_ms(step, now_ms);
    table.add_row({std::to_string(integer_of(step, "index", 0)), printable(text_of(step, "name")),
                   paint(step_status, status_colour(step_status), colour), exit_code_text(step),
                   elapsed ? format_duration(*elapsed) : "", printable(text_of(step, "reason"))});
  }
  out += "\n" + table.render();
  return out;
}

}  // namespace slipway::cli
