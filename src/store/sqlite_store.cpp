#include "store/sqlite_store.h"

#include "store/migrations.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::store {

namespace {

constexpr const char* kRunColumns =
    "r.id, r.project_id, p.name, r.status, r.trigger, r.branch, r.commit_sha, r.message, r.reason, "
    "r.created_at, r.started_at, r.finished_at";

Run read_run(Statement& s) {
  Run run;
  run.id = s.int64(0);
  run.project_id = s.int64(1);
  run.project = s.text(2);
  run.status = parse_run_status(s.text(3)).value_or(RunStatus::failed);
  run.trigger = s.text(4);
  run.branch = s.text(5);
  run.commit = s.text(6);
  run.message = s.text(7);
  run.reason = s.text(8);
  run.created_at = s.int64(9);
  run.started_at = s.int64(10);
  run.finished_at = s.int64(11);
  return run;
}

Project read_project(Statement& s) {
  Project project;
  project.id = s.int64(0);
  project.name = s.text(1);
  project.source_url = s.text(2);
  project.webhook_secret = s.text(3);
  project.default_branch = s.text(4);
  project.created_at = s.int64(5);
  project.poll_seconds = static_cast<int>(s.int64(6));
  return project;
}

Step read_step(Statement& s) {
  Step step;
  step.id = s.int64(0);
  step.run_id = s.int64(1);
  step.position = static_cast<int>(s.int64(2));
  step.name = s.text(3);
  for (const auto& part : util::split(s.text(4), ',')) {
    unsigned long long value = 0;
    if (util::parse_uint(part, value)) step.needs.push_back(static_cast<int>(value));
  }
  step.status = parse_step_status(s.text(5)).value_or(StepStatus::failed);
  step.exit_code = static_cast<int>(s.int64(6));
  step.reason = s.text(7);
  step.started_at = s.int64(8);
  step.finished_at = s.int64(9);
  step.pgid = s.int64(10);
  step.pgid_start_time = s.int64(11);
  return step;
}

Token read_token(Statement& s) {
  Token token;
  token.id = s.int64(0);
  token.name = s.text(1);
  token.role = parse_role(s.text(2)).value_or(Role::viewer);
  token.created_at = s.int64(3);
  return token;
}

std::string join_needs(const std::vector<int>& needs) {
  std::string out;
  for (std::size_t i = 0; i < needs.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(needs[i]);
  }
  return out;
}

}  // namespace

util::Expected<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  try {
    std::unique_ptr<SqliteStore> store(new SqliteStore(SqliteDatabase::open(path)));
    store->db_->exec("PRAGMA journal_mode=WAL");
    store->db_->exec("PRAGMA synchronous=NORMAL");
    store->db_->exec("PRAGMA foreign_keys=ON");
    // The OS caches the file too; a small page cache keeps the daemon small.
    store->db_->exec("PRAGMA cache_size=-1024");
    store->migrate();
    return store;
  } catch (const util::Error& e) {
    return util::unexpected(e.what());
  }
}

void SqliteStore::migrate() {
  const auto& migrations = sqlite_migrations();
  int version = schema_version();
  if (version > static_cast<int>(migrations.size())) {
    throw util::Error("database schema version " + std::to_string(version) +
                      " is newer than this slipway understands (" + std::to_string(migrations.size()) + ")");
  }
  for (auto i = static_cast<std::size_t>(version); i < migrations.size(); ++i) {
    transaction([&] {
      db_->exec(migrations[i]);
      db_->exec("PRAGMA user_version=" + std::to_string(i + 1));
    });
  }
}

int SqliteStore::schema_version() {
  Statement s(*db_, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.int64(0));
}

SqliteStore::Use SqliteStore::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) it = statements_.emplace(sql, Statement(*db_, sql)).first;
  it->second.reset();
  return Use(it->second);
}

// The depth changes only once SQLite did what was asked, so a failed BEGIN
// (busy) or COMMIT never leaves later transactions believing they are nested.
void SqliteStore::begin() {
  if (transaction_depth_ == 0) db_->exec("BEGIN IMMEDIATE");
  ++transaction_depth_;
}

void SqliteStore::commit() {
  if (transaction_depth_ > 1) {
    --transaction_depth_;
    return;
  }
  try {
    db_->exec("COMMIT");
  } catch (const util::Error&) {
    transaction_depth_ = 0;
    sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  transaction_depth_ = 0;
}

void SqliteStore::rollback() {
  if (transaction_depth_ > 1) {
    --transaction_depth_;
    return;
  }
  transaction_depth_ = 0;
  // Best effort: SQLite may have rolled back already (e.g. after SQLITE_FULL).
  sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Project SqliteStore::create_project(const Project& project) {
  auto s = prepare(
      "INSERT INTO projects(name, source_url, webhook_secret, default_branch, created_at, poll_seconds) "
      "VALUES(?,?,?,?,?,?)");
  s->bind(1, project.name).bind(2, project.source_url).bind(3, project.webhook_secret);
  s->bind(4, project.default_branch).bind(5, util::now_ms()).bind(6, project.poll_seconds);
  s->run();
  return *find_project(db_->last_insert_id());
}

std::optional<Project> SqliteStore::find_project(const std::string& name) {
  auto s = prepare(
      "SELECT id, name, source_url, webhook_secret, default_branch, created_at, poll_seconds FROM projects WHERE name = ?");
  s->bind(1, name);
  if (!s->step()) return std::nullopt;
  return read_project(*s);
}

std::optional<Project> SqliteStore::find_project(Id id) {
  auto s = prepare(
      "SELECT id, name, source_url, webhook_secret, default_branch, created_at, poll_seconds FROM projects WHERE id = ?");
  s->bind(1, id);
  if (!s->step()) return std::nullopt;
  return read_project(*s);
}

std::vector<Project> SqliteStore::list_projects() {
  auto s = prepare(
      "SELECT id, name, source_url, webhook_secret, default_branch, created_at, poll_seconds FROM projects ORDER BY name");
  std::vector<Project> out;
  while (s->step()) out.push_back(read_project(*s));
  return out;
}

bool SqliteStore::delete_project(Id id) {
  auto s = prepare("DELETE FROM projects WHERE id = ?");
  s->bind(1, id);
  s->run();
  return db_->changes() > 0;
}

Run SqliteStore::create_run(const Run& run) {
  auto s = prepare(
      "INSERT INTO runs(project_id, status, trigger, branch, commit_sha, message, reason, created_at, "
      "started_at, finished_at) VALUES(?,?,?,?,?,?,?,?,?,?)");
  s->bind(1, run.project_id).bind(2, to_string(run.status)).bind(3, run.trigger).bind(4, run.branch);
  s->bind(5, run.commit).bind(6, run.message).bind(7, run.reason).bind(8, util::now_ms());
  s->bind(9, run.started_at).bind(10, run.finished_at);
  s->run();
  return *find_run(db_->last_insert_id());
}

std::optional<Run> SqliteStore::find_run(Id id) {
  static const std::string sql =
      std::string("SELECT ") + kRunColumns + " FROM runs r JOIN projects p ON p.id = r.project_id WHERE r.id = ?";
  auto s = prepare(sql);
  s->bind(1, id);
  if (!s->step()) return std::nullopt;
  return read_run(*s);
}

std::vector<Run> SqliteStore::list_runs(const RunFilter& filter) {
  // Only the conditions asked for go into the SQL, so SQLite can pick the
  // index that fits (by project, status or branch, each ordered by id); each
  // combination is prepared once and cached.
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs r JOIN projects p ON p.id = r.project_id WHERE 1";
  if (filter.project_id) sql += " AND r.project_id = ?1";
  if (filter.status) sql += " AND r.status = ?2";
  if (filter.branch) sql += " AND r.branch = ?3";
  if (filter.before_id) sql += " AND r.id < ?4";
  sql += " ORDER BY r.id DESC LIMIT ?5";
  auto s = prepare(sql);
  if (filter.project_id) s->bind(1, *filter.project_id);
  if (filter.status) s->bind(2, to_string(*filter.status));
  if (filter.branch) s->bind(3, *filter.branch);
  if (filter.before_id) s->bind(4, *filter.before_id);
  s->bind(5, filter.limit);
  std::vector<Run> out;
  while (s->step()) out.push_back(read_run(*s));
  return out;
}

std::vector<Run> SqliteStore::queued_runs(int limit) {
  static const std::string sql = std::string("SELECT ") + kRunColumns +
                                 " FROM runs r JOIN projects p ON p.id = r.project_id"
                                 " WHERE r.status = 'queued' ORDER BY r.id LIMIT ?";
  auto s = prepare(sql);
  s->bind(1, limit);
  std::vector<Run> out;
  while (s->step()) out.push_back(read_run(*s));
  return out;
}

std::vector<Run> SqliteStore::runs_with_status(RunStatus status) {
  static const std::string sql = std::string("SELECT ") + kRunColumns +
                                 " FROM runs r JOIN projects p ON p.id = r.project_id"
                                 " WHERE r.status = ? ORDER BY r.id";
  auto s = prepare(sql);
  s->bind(1, to_string(status));
  std::vector<Run> out;
  while (s->step()) out.push_back(read_run(*s));
  return out;
}

void SqliteStore::update_run(const Run& run) {
  auto s = prepare(
      "UPDATE runs SET status = ?, reason = ?, started_at = ?, finished_at = ?, commit_sha = ?, message = ? "
      "WHERE id = ?");
  s->bind(1, to_string(run.status)).bind(2, run.reason).bind(3, run.started_at).bind(4, run.finished_at);
  s->bind(5, run.commit).bind(6, run.message).bind(7, run.id);
  s->run();
}

std::vector<Step> SqliteStore::insert_steps(Id run_id, const std::vector<Step>& steps) {
  std::vector<Step> out;
  transaction([&] {
    for (auto step : steps) {
      auto s = prepare(
          "INSERT INTO steps(run_id, position, name, needs, status, exit_code, reason, started_at, "
          "finished_at) VALUES(?,?,?,?,?,?,?,?,?)");
      s->bind(1, run_id).bind(2, step.position).bind(3, step.name).bind(4, join_needs(step.needs));
      s->bind(5, to_string(step.status)).bind(6, step.exit_code).bind(7, step.reason);
      s->bind(8, step.started_at).bind(9, step.finished_at);
      s->run();
      step.id = db_->last_insert_id();
      step.run_id = run_id;
      out.push_back(std::move(step));
    }
  });
  return out;
}

std::vector<Step> SqliteStore::list_steps(Id run_id) {
  auto s = prepare(
      "SELECT id, run_id, position, name, needs, status, exit_code, reason, started_at, finished_at, pgid, "
      "pgid_start_time FROM steps WHERE run_id = ? ORDER BY position");
  s->bind(1, run_id);
  std::vector<Step> out;
  while (s->step()) out.push_back(read_step(*s));
  return out;
}

void SqliteStore::update_step(const Step& step) {
  auto s = prepare(
      "UPDATE steps SET status = ?, exit_code = ?, reason = ?, started_at = ?, finished_at = ?, pgid = ?, "
      "pgid_start_time = ? WHERE id = ?");
  s->bind(1, to_string(step.status)).bind(2, step.exit_code).bind(3, step.reason).bind(4, step.started_at);
  s->bind(5, step.finished_at).bind(6, step.pgid).bind(7, step.pgid_start_time).bind(8, step.id);
  s->run();
}

Token SqliteStore::create_token(const std::string& name, Role role, const std::string& token_hash) {
  const auto now = util::now_ms();
  auto s = prepare("INSERT INTO tokens(name, role, hash, created_at) VALUES(?,?,?,?)");
  s->bind(1, name).bind(2, to_string(role)).bind(3, token_hash).bind(4, now);
  s->run();
  return Token{db_->last_insert_id(), name, role, now};
}

std::optional<Token> SqliteStore::find_token_by_hash(const std::string& token_hash) {
  auto s = prepare("SELECT id, name, role, created_at FROM tokens WHERE hash = ?");
  s->bind(1, token_hash);
  if (!s->step()) return std::nullopt;
  return read_token(*s);
}

std::vector<Token> SqliteStore::list_tokens() {
  auto s = prepare("SELECT id, name, role, created_at FROM tokens ORDER BY id");
  std::vector<Token> out;
  while (s->step()) out.push_back(read_token(*s));
  return out;
}

void SqliteStore::create_session(const std::string& session_hash, Id token_id, TimeMs expires_at) {
  const auto now = util::now_ms();
  auto expired = prepare("DELETE FROM sessions WHERE expires_at <= ?");
  expired->bind(1, now);
  expired->run();
  auto s = prepare("INSERT INTO sessions(hash, token_id, created_at, expires_at) VALUES(?,?,?,?)");
  s->bind(1, session_hash).bind(2, token_id).bind(3, now).bind(4, expires_at);
  s->run();
}

std::optional<Token> SqliteStore::find_session_token(const std::string& session_hash, TimeMs now) {
  auto s = prepare(
      "SELECT t.id, t.name, t.role, t.created_at FROM sessions s JOIN tokens t ON t.id = s.token_id "
      "WHERE s.hash = ? AND s.expires_at > ?");
  s->bind(1, session_hash).bind(2, now);
  if (!s->step()) return std::nullopt;
  return read_token(*s);
}

void SqliteStore::delete_session(const std::string& session_hash) {
  auto s = prepare("DELETE FROM sessions WHERE hash = ?");
  s->bind(1, session_hash);
  s->run();
}

bool SqliteStore::record_delivery(const std::string& provider, const std::string& delivery_id) {
  auto s = prepare("INSERT OR IGNORE INTO deliveries(provider, delivery_id, received_at) VALUES(?,?,?)");
  s->bind(1, provider).bind(2, delivery_id).bind(3, util::now_ms());
  s->run();
  return db_->changes() > 0;
}

}  // namespace slipway::store
