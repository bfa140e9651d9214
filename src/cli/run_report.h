// How a run reads in the terminal once its JSON is known: the one-line summary
// printed when a followed run ends or `run --wait` returns, a step's outcome, and
// the listing of `slipway runs` and the detailed view of `slipway status RUN`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace slipway::cli {

// Milliseconds between started_at and finished_at (or NOW_MS while it runs);
// nullopt before it started. Works for runs and steps.
std::optional<std::int64_t> elapsed_ms(const nlohmann::json& object, std::int64_t now_ms);

// " (exit 0, 1.2s)" for a finished step, plus " — reason" when there is one; "" otherwise.
std::string step_outcome(const nlohmann::json& step, std::int64_t now_ms);

// "run 7 (hello, main @ 3f2a1b2): failed after 3.1s — test failed (exit 1)".
std::string summary_line(const nlohmann::json& run, bool colour, std::int64_t now_ms);

// The table of `slipway runs`: one line per run of RUNS (a JSON array), newest first.
std::string runs_table(const nlohmann::json& runs, bool colour, std::int64_t now_ms);

// The run's fields one per line, then a table of its steps.
std::string run_details(const nlohmann::json& run, bool colour, std::int64_t now_ms);

}  // namespace slipway::cli
