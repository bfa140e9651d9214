// Rendering of a run's live events.
#include "cli/live_view.h"

#include <fmt/format.h>

#include <algorithm>

#include "cli/exit_status.h"
#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "cli/run_report.h"
#include "cli/table.h"
#include "cli/terminal.h"
#include "util/clock.h"
#include "util/error.h"

namespace slipway::cli {

namespace {

// Longer step names are cut so the log text keeps most of the line.
constexpr std::size_t kMaxNameWidth = 20;

}  // namespace

LiveView::LiveView(std::ostream& out, LiveViewOptions options) : out_(out), options_(std::move(options)) {}

std::int64_t LiveView::now() const { return options_.now_ms ? options_.now_ms() : util::now_ms(); }

void LiveView::on_event(const SseEvent& event) {
  if (event.event != "run" && event.event != "step" && event.event != "log" && event.event != "end") return;
  nlohmann::json data;
  try {
    data = nlohmann::json::parse(event.data);
  } catch (const std::exception& e) {
    throw util::Error(fmt::format("bad '{}' event from slipway: {}", event.event, e.what()));
  }
  if (event.event == "run") on_run(data);
  if (event.event == "step") on_step(data);
  if (event.event == "log") on_log(data);
  if (event.event == "end") on_end(data);
  out_.flush();  // a pipe would otherwise hold the lines back until the run ends
}

void LiveView::remember_steps(const nlohmann::json& run) {
  for (const auto& step : array_of(run, "steps")) {
    int index = static_cast<int>(integer_of(step, "index", 0));
    steps_[index].name = printable(text_of(step, "name"));
    name_width_ = std::max(name_width_, std::min(display_width(steps_[index].name), kMaxNameWidth));
  }
}

void LiveView::on_run(const nlohmann::json& run) {
  if (!header_written_) {
    // The first event: learn the steps quietly. Steps that already finished have
    // their logs replayed after this, so a state line now would come before them.
    remember_steps(run);
    for (const auto& step : array_of(run, "steps")) {
      int index = static_cast<int>(integer_of(step, "index", 0));
      std::string status = text_of(step, "status");
      steps_[index].status = status;
      if (status != "pending" && status != "running" && shown(index)) {
        replayed_.push_back({index, static_cast<std::uint64_t>(std::max<std::int64_t>(0, integer_of(step, "log_size", 0))),
                             step});
      }
    }
    std::string status = text_of(run, "status");
    out_ << paint("==> ", Colour::bold, options_.colour)
         << fmt::format("run {} ({}, {} @ {}): {}", integer_of(run, "id", 0),
                        printable(text_of(run, "project")), printable(text_of(run, "branch")),
                        short_commit(text_of(run, "commit")),
                        paint(status, status_colour(status), options_.colour));
    if (std::string message = printable(text_of(run, "message")); !message.empty()) {
      out_ << "  " << truncate(message, 60);
    }
    out_ << "\n";
    header_written_ = true;
    report_replayed();
    return;
  }
  // A later run event (one after a reconnect among them): report what changed meanwhile.
  remember_steps(run);
  for (const auto& step : array_of(run, "steps")) on_step(step);
}

void LiveView::on_step(const nlohmann::json& step) {
  int index = static_cast<int>(integer_of(step, "index", 0));
  StepLine& line = steps_[index];
  if (line.name.empty()) {
    line.name = printable(text_of(step, "name"));
    name_width_ = std::max(name_width_, std::min(display_width(line.name), kMaxNameWidth));
  }
  std::string status = text_of(step, "status");
  if (status == line.status) return;
  line.status = status;
  if (!shown(index) || status == "pending") return;
  flush_partial(index);
  out_ << paint("==> ", Colour::bold, options_.colour) << line.name << ": "
       << paint(status, status_colour(status), options_.colour) << step_outcome(step, now()) << "\n";
}

void LiveView::on_log(const nlohmann::json& log) {
  int index = static_cast<int>(integer_of(log, "step", 0));
  if (!shown(index)) return;
  StepLine& step = steps_[index];
  std::string text = step.partial + text_of(log, "text");
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    write_line(index, std::string_view(text).substr(start, end - start));
  }
  step.partial = text.substr(start);
  step.seen += text_of(log, "text").size();
  report_replayed();
}

void LiveView::report_replayed() {
  while (!replayed_.empty()) {
    const Replayed& next = replayed_.front();
    StepLine& line = steps_[next.index];
    if (line.seen < next.log_size) return;  // its log is still being replayed
    flush_partial(next.index);
    out_ << paint("==> ", Colour::bold, options_.colour) << line.name << ": "
         << paint(line.status, status_colour(line.status), options_.colour) << step_outcome(next.step, now())
         << "\n";
    replayed_.pop_front();
  }
}

void LiveView::on_end(const nlohmann::json& run) {
  for (auto& pending : replayed_) steps_[pending.index].seen = pending.log_size;  // report whatever is left
  report_replayed();
  remember_steps(run);
  for (const auto& step : array_of(run, "steps")) on_step(step);
  for (auto& [index, step] : steps_) flush_partial(index);
  out_ << paint("==> ", Colour::bold, options_.colour) << summary_line(run, options_.colour, now()) << "\n";
}

void LiveView::write_line(int step, std::string_view line) {
  const StepLine& known = steps_[step];
  std::string name = known.name.empty() ? std::to_string(step) : truncate(known.name, kMaxNameWidth);
  std::size_t width = std::max(name_width_, display_width(name));
  name.append(width - display_width(name), ' ');
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  out_ << paint(name, step_colour(step), options_.colour) << paint(" | ", Colour::grey, options_.colour)
       << line << "\n";
}

void LiveView::flush_partial(int step) {
  auto it = steps_.find(step);
  if (it == steps_.end() || it->second.partial.empty()) return;
  write_line(step, it->second.partial);
  it->second.partial.clear();
}

}  // namespace slipway::cli
