// SqliteStore's outbox: the rows of outbound requests the delivery worker sends.
#include "store/sqlite_store.h"
#include "util/clock.h"

namespace slipway::store {

namespace {

constexpr const char* kDeliveryColumns =
    "id, project_id, kind, event, run_id, deployment_id, url, headers, body, auth_secret, auth_scheme, "
    "status, "
    "attempts, next_attempt_at, last_error, response_status, created_at, finished_at, url_secret";

Delivery read_delivery(Statement& s) {
  Delivery d;
  d.id = s.int64(0);
  d.project_id = s.int64(1);
  d.kind = s.text(2);
  d.event = s.text(3);
  d.run_id = s.int64(4);
  d.deployment_id = s.int64(5);
  d.url = s.text(6);
  d.headers = s.text(7);
  d.body = s.text(8);
  d.auth_secret = s.text(9);
  d.auth_scheme = s.text(10);
  d.status = parse_delivery_status(s.text(11)).value_or(DeliveryStatus::failed);
  d.attempts = static_cast<int>(s.int64(12));
  d.next_attempt_at = s.int64(13);
  d.last_error = s.text(14);
  d.response_status = static_cast<int>(s.int64(15));
  d.created_at = s.int64(16);
  d.finished_at = s.int64(17);
  d.url_secret = s.text(18);
  return d;
}

}  // namespace

Delivery SqliteStore::create_delivery(const Delivery& d) {
  auto s = prepare(
      "INSERT INTO outbox(project_id, kind, event, run_id, deployment_id, url, headers, body, auth_secret, "
      "auth_scheme, status, attempts, next_attempt_at, created_at, url_secret) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const auto now = util::now_ms();
  s->bind(1, d.project_id).bind(2, d.kind).bind(3, d.event).bind(4, d.run_id).bind(5, d.deployment_id);
  s->bind(6, d.url).bind(7, d.headers).bind(8, d.body).bind(9, d.auth_secret).bind(10, d.auth_scheme);
  s->bind(11, to_string(d.status)).bind(12, d.attempts).bind(13, d.next_attempt_at ? d.next_attempt_at : now);
  s->bind(14, now).bind(15, d.url_secret);
  s->run();
  return *find_delivery(db_->last_insert_id());
}

std::optional<Delivery> SqliteStore::find_delivery(Id id) {
  auto s = prepare(std::string("SELECT ") + kDeliveryColumns + " FROM outbox WHERE id = ?");
  s->bind(1, id);
  if (!s->step()) return std::nullopt;
  return read_delivery(*s);
}

std::vector<Delivery> SqliteStore::list_deliveries(const DeliveryFilter& filter) {
  std::string sql = std::string("SELECT ") + kDeliveryColumns + " FROM outbox WHERE 1";
  if (filter.project_id) sql += " AND project_id = ?1";
  if (filter.run_id) sql += " AND run_id = ?2";
  if (filter.deployment_id) sql += " AND deployment_id = ?3";
  sql += " ORDER BY id DESC LIMIT ?4";
  auto s = prepare(sql);
  if (filter.project_id) s->bind(1, *filter.project_id);
  if (filter.run_id) s->bind(2, *filter.run_id);
  if (filter.deployment_id) s->bind(3, *filter.deployment_id);
  s->bind(4, filter.limit);
  std::vector<Delivery> out;
  while (s->step()) out.push_back(read_delivery(*s));
  return out;
}

std::vector<Delivery> SqliteStore::due_deliveries(TimeMs now, int limit) {
  auto s = prepare(std::string("SELECT ") + kDeliveryColumns +
                   " FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?");
  s->bind(1, now).bind(2, limit);
  std::vector<Delivery> out;
  while (s->step()) out.push_back(read_delivery(*s));
  return out;
}

std::optional<TimeMs> SqliteStore::next_delivery_at() {
  auto s = prepare("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'");
  if (!s->step() || s->is_null(0)) return std::nullopt;
  return s->int64(0);
}

bool SqliteStore::update_delivery(const Delivery& d) {
  auto s = prepare(
      "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, response_status = ?, "
      "finished_at = ? WHERE id = ? AND status = 'pending'");
  s->bind(1, to_string(d.status)).bind(2, d.attempts).bind(3, d.next_attempt_at).bind(4, d.last_error);
  s->bind(5, d.response_status).bind(6, d.finished_at).bind(7, d.id);
  s->run();
  return db_->changes() > 0;
}

int SqliteStore::supersede_deliveries(Id run_id, const std::string& kind) {
  auto s = prepare(
      "UPDATE outbox SET status = 'superseded', finished_at = ? WHERE run_id = ? AND kind = ? AND status = "
      "'pending'");
  s->bind(1, util::now_ms()).bind(2, run_id).bind(3, kind);
  s->run();
  return db_->changes();
}

}  // namespace slipway::store
