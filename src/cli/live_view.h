// The terminal view of a followed run (`slipway logs -f`, `slipway run -f`): each
// log line prefixed by its step in a fixed-width column ("build | line"), a
// "==> build: success (exit 0, 1.2s)" line when a step changes state, and a
// one-line summary at the end. Fed the run's events; knows nothing of HTTP.
#pragma once

#include <cstdint>
#include <functional>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "cli/sse_reader.h"

namespace slipway::cli {

struct LiveViewOptions {
  bool colour = false;
  std::optional<int> only_step;          // show the logs and state of this step alone
  std::function<std::int64_t()> now_ms;  // the clock for durations; the wall clock when empty
};

class LiveView {
 public:
  LiveView(std::ostream& out, LiveViewOptions options);

  // Handles one event of GET /runs/ID/events ("run", "step", "log", "end");
  // other types are ignored. Throws util::Error when its data is not JSON.
  void on_event(const SseEvent& event);

 private:
  struct StepLine {
    std::string name;
    std::string status;
    std::string partial;  // text of a line not ended yet
    std::uint64_t seen = 0;  // log bytes received
  };
  // A step that had finished before we connected: its state line is due once
  // its log (LOG_SIZE bytes) has been replayed, in step order.
  struct Replayed {
    int index;
    std::uint64_t log_size;
    nlohmann::json step;
  };
  void report_replayed();

  std::deque<Replayed> replayed_;
  void on_run(const nlohmann::json& run);
  void on_step(const nlohmann::json& step);
  void on_log(const nlohmann::json& log);
  void on_end(const nlohmann::json& run);
  void remember_steps(const nlohmann::json& run);
  void write_line(int step, std::string_view line);
  void flush_partial(int step);
  bool shown(int step) const { return !options_.only_step || *options_.only_step == step; }
  std::int64_t now() const;

  std::ostream& out_;
  LiveViewOptions options_;
  std::map<int, StepLine> steps_;
  std::size_t name_width_ = 0;
  bool header_written_ = false;
};

}  // namespace slipway::cli
