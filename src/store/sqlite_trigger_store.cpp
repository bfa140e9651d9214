// SqliteStore's half for triggers that come without a push: the poll interval of a
// remote project with the heads its last poll saw, and when each cron schedule last fired.
#include "store/sqlite_store.h"
#include "util/clock.h"

namespace slipway::store {

void SqliteStore::set_poll_interval(Id project_id, int seconds) {
  auto s = prepare("UPDATE projects SET poll_seconds = ? WHERE id = ?");
  s->bind(1, seconds).bind(2, project_id);
  s->run();
}

std::optional<std::map<std::string, std::string>> SqliteStore::polled_heads(Id project_id) {
  auto polled = prepare("SELECT polled_at FROM projects WHERE id = ?");
  polled->bind(1, project_id);
  if (!polled->step() || polled->int64(0) == 0) return std::nullopt;
  std::map<std::string, std::string> heads;
  auto s = prepare("SELECT ref, commit_sha FROM polled_heads WHERE project_id = ?");
  s->bind(1, project_id);
  while (s->step()) heads.emplace(s->text(0), s->text(1));
  return heads;
}

void SqliteStore::save_polled_heads(Id project_id, const std::map<std::string, std::string>& heads) {
  transaction([&] {
    auto clear = prepare("DELETE FROM polled_heads WHERE project_id = ?");
    clear->bind(1, project_id);
    clear->run();
    for (const auto& [ref, commit] : heads) {
      auto s = prepare("INSERT INTO polled_heads(project_id, ref, commit_sha) VALUES(?,?,?)");
      s->bind(1, project_id).bind(2, ref).bind(3, commit);
      s->run();
    }
    auto polled = prepare("UPDATE projects SET polled_at = ? WHERE id = ?");
    polled->bind(1, util::now_ms()).bind(2, project_id);
    polled->run();
  });
}

std::map<std::string, TimeMs> SqliteStore::schedule_marks(Id project_id) {
  std::map<std::string, TimeMs> marks;
  auto s = prepare("SELECT schedule, marked_at FROM schedule_marks WHERE project_id = ?");
  s->bind(1, project_id);
  while (s->step()) marks.emplace(s->text(0), s->int64(1));
  return marks;
}

void SqliteStore::save_schedule_marks(Id project_id, const std::map<std::string, TimeMs>& marks) {
  transaction([&] {
    auto clear = prepare("DELETE FROM schedule_marks WHERE project_id = ?");
    clear->bind(1, project_id);
    clear->run();
    for (const auto& [schedule, at] : marks) {
      auto s = prepare("INSERT INTO schedule_marks(project_id, schedule, marked_at) VALUES(?,?,?)");
      s->bind(1, project_id).bind(2, schedule).bind(3, at);
      s->run();
    }
  });
}

}  // namespace slipway::store
