// SqliteStore's aggregates for monitoring: one GROUP BY query per family, so
// a scrape costs a scan of the runs, steps or deployments and nothing more.
#include <string>

#include "store/sqlite_store.h"

namespace slipway::store {

namespace {

// SUM(d <= ?2), SUM(d <= ?3), ...: the cumulative bucket counts, the bounds
// bound as parameters from FIRST on.
std::string bucket_columns(std::size_t bounds, int first) {
  std::string sql;
  for (std::size_t i = 0; i < bounds; ++i)
    sql += ", SUM(d <= ?" + std::to_string(first + static_cast<int>(i)) + ")";
  return sql;
}

// Rows of (project, environment, COUNT, SUM, buckets...).
std::vector<DurationCounts> read_durations(Statement& s, std::size_t bounds) {
  std::vector<DurationCounts> out;
  while (s.step()) {
    DurationCounts counts;
    counts.project = s.text(0);
    counts.environment = s.text(1);
    counts.count = s.int64(2);
    counts.sum_ms = s.int64(3);
    for (std::size_t i = 0; i < bounds; ++i) counts.cumulative.push_back(s.int64(4 + static_cast<int>(i)));
    out.push_back(std::move(counts));
  }
  return out;
}

}  // namespace

std::vector<StatusCount> SqliteStore::count_runs() {
  auto s = prepare(
      "SELECT p.name, r.status, COUNT(*) FROM runs r JOIN projects p ON p.id = r.project_id "
      "GROUP BY r.project_id, r.status ORDER BY p.name, r.status");
  std::vector<StatusCount> out;
  while (s->step()) out.push_back({s->text(0), "", s->text(1), s->int64(2)});
  return out;
}

std::vector<StatusCount> SqliteStore::count_deployments() {
  auto s = prepare(
      "SELECT p.name, d.environment, d.status, COUNT(*) FROM deployments d JOIN projects p ON p.id = "
      "d.project_id "
      "GROUP BY d.project_id, d.environment, d.status ORDER BY p.name, d.environment, d.status");
  std::vector<StatusCount> out;
  while (s->step()) out.push_back({s->text(0), s->text(1), s->text(2), s->int64(3)});
  return out;
}

std::vector<DurationCounts> SqliteStore::step_durations(const std::vector<TimeMs>& bounds_ms) {
  // Skipped steps never started; running ones have no end yet.
  auto s =
      prepare("SELECT p.name, '', COUNT(*), SUM(d)" + bucket_columns(bounds_ms.size(), 1) +
              " FROM (SELECT r.project_id, s.finished_at - s.started_at AS d FROM steps s"
              " JOIN runs r ON r.id = s.run_id"
              " WHERE s.started_at > 0 AND s.finished_at > 0 AND s.status NOT IN ('pending', 'running')) x"
              " JOIN projects p ON p.id = x.project_id GROUP BY x.project_id ORDER BY p.name");
  for (std::size_t i = 0; i < bounds_ms.size(); ++i) s->bind(static_cast<int>(i) + 1, bounds_ms[i]);
  return read_durations(*s, bounds_ms.size());
}

std::vector<DurationCounts> SqliteStore::deployment_durations(const std::vector<TimeMs>& bounds_ms) {
  // Superseded deployments never started; a parked (waiting) one has an end
  // time but is not over.
  auto s = prepare(
      "SELECT p.name, x.environment, COUNT(*), SUM(d)" + bucket_columns(bounds_ms.size(), 1) +
      " FROM (SELECT project_id, environment, finished_at - started_at AS d FROM deployments"
      " WHERE started_at > 0 AND finished_at > 0 AND status NOT IN ('queued', 'running', 'waiting')) x"
      " JOIN projects p ON p.id = x.project_id GROUP BY x.project_id, x.environment"
      " ORDER BY p.name, x.environment");
  for (std::size_t i = 0; i < bounds_ms.size(); ++i) s->bind(static_cast<int>(i) + 1, bounds_ms[i]);
  return read_durations(*s, bounds_ms.size());
}

}  // namespace slipway::store
