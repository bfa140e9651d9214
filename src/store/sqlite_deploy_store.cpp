// SqliteStore's half for the CD records: releases, deployments, live
// releases, configuration versions, instances, domains and the formation.
#include <nlohmann/json.hpp>

#include "store/sqlite_store.h"
#include "util/clock.h"
#include "util/error.h"

namespace slipway::store {

namespace {

constexpr const char* kReleaseColumns =
    "id, project_id, number, run_id, commit_sha, config_version, dir, app_type, created_at";

Release read_release(Statement& s) {
  Release release;
  release.id = s.int64(0);
  release.project_id = s.int64(1);
  release.number = static_cast<int>(s.int64(2));
  release.run_id = s.int64(3);
  release.commit = s.text(4);
  release.config_version = static_cast<int>(s.int64(5));
  release.dir = s.text(6);
  release.app_type = s.text(7);
  release.created_at = s.int64(8);
  return release;
}

constexpr const char* kDeploymentSelect =
    "SELECT d.id, d.project_id, p.name, d.environment, d.release_id, COALESCE(r.number, 0), "
    "d.previous_release_id, COALESCE(pr.number, 0), d.kind, d.status, d.reason, d.trigger, d.created_at, "
    "d.started_at, d.finished_at, d.approved_by FROM deployments d JOIN projects p ON p.id = d.project_id "
    "LEFT JOIN releases r ON r.id = d.release_id LEFT JOIN releases pr ON pr.id = d.previous_release_id ";

Deployment read_deployment(Statement& s) {
  Deployment d;
  d.id = s.int64(0);
  d.project_id = s.int64(1);
  d.project = s.text(2);
  d.environment = s.text(3);
  d.release_id = s.int64(4);
  d.release_number = static_cast<int>(s.int64(5));
  d.previous_release_id = s.int64(6);
  d.previous_release_number = static_cast<int>(s.int64(7));
  d.kind = s.text(8);
  d.status = parse_deployment_status(s.text(9)).value_or(DeploymentStatus::failed);
  d.reason = s.text(10);
  d.trigger = s.text(11);
  d.created_at = s.int64(12);
  d.started_at = s.int64(13);
  d.finished_at = s.int64(14);
  d.approved_by = s.text(15);
  return d;
}

constexpr const char* kLiveSelect =
    "SELECT l.project_id, l.environment, l.deployment_id, l.release_id, COALESCE(r.number, 0), "
    "l.previous_release_id, l.since FROM live_releases l LEFT JOIN releases r ON r.id = l.release_id ";

LiveRelease read_live(Statement& s) {
  LiveRelease live;
  live.project_id = s.int64(0);
  live.environment = s.text(1);
  live.deployment_id = s.int64(2);
  live.release_id = s.int64(3);
  live.release_number = static_cast<int>(s.int64(4));
  live.previous_release_id = s.int64(5);
  live.since = s.int64(6);
  return live;
}

constexpr const char* kInstanceColumns =
    "id, project_id, environment, deployment_id, release_id, process, idx, port, dir, active, supervisor_pid, "
    "supervisor_start_time, container, docker_host, compose_project, address";

Instance read_instance(Statement& s) {
  Instance instance;
  instance.id = s.int64(0);
  instance.project_id = s.int64(1);
  instance.environment = s.text(2);
  instance.deployment_id = s.int64(3);
  instance.release_id = s.int64(4);
  instance.process = s.text(5);
  instance.index = static_cast<int>(s.int64(6));
  instance.port = static_cast<int>(s.int64(7));
  instance.dir = s.text(8);
  instance.active = s.int64(9) != 0;
  instance.supervisor_pid = s.int64(10);
  instance.supervisor_start_time = s.int64(11);
  instance.container = s.text(12);
  instance.docker_host = s.text(13);
  instance.compose_project = s.text(14);
  instance.address = s.text(15);
  return instance;
}

std::string entries_to_json(const std::vector<ConfigEntry>& entries) {
  auto array = nlohmann::json::array();
  for (const auto& entry : entries) array.push_back({{"key", entry.key}, {"value", entry.value}, {"secret", entry.secret}});
  return array.dump();
}

std::vector<ConfigEntry> entries_from_json(const std::string& text) {
  std::vector<ConfigEntry> entries;
  auto array = nlohmann::json::parse(text, nullptr, false);
  if (!array.is_array()) throw util::Error("the stored configuration is not a JSON array");
  for (const auto& item : array) {
    entries.push_back({item.value("key", ""), item.value("value", ""), item.value("secret", false)});
  }
  return entries;
}

}  // namespace

Release SqliteStore::create_release(const Release& release) {
  Id id = 0;
  transaction([&] {
    auto next = prepare("SELECT COALESCE(MAX(number), 0) + 1 FROM releases WHERE project_id = ?");
    next->bind(1, release.project_id);
    next->step();
    const auto number = next->int64(0);
    auto s = prepare(
        "INSERT INTO releases(project_id, number, run_id, commit_sha, config_version, dir, app_type, created_at) "
        "VALUES(?,?,?,?,?,?,?,?)");
    s->bind(1, release.project_id).bind(2, number).bind(3, release.run_id).bind(4, release.commit);
    s->bind(5, release.config_version).bind(6, release.dir).bind(7, release.app_type).bind(8, util::now_ms());
    s->run();
    id = db_->last_insert_id();
  });
  return *find_release(id);
}

std::optional<Release> SqliteStore::find_release(Id id) {
  auto s = prepare(std::string("SELECT ") + kReleaseColumns + " FROM releases WHERE id = ?");
  s->bind(1, id);
  if (!s->step()) return std::nullopt;
  return read_release(*s);
}

std::optional<Release> SqliteStore::find_release(Id project_id, int number) {
  auto s = prepare(std::string("SELECT ") + kReleaseColumns + " FROM releases WHERE project_id = ? AND number = ?");
  s->bind(1, project_id).bind(2, number);
  if (!s->step()) return std::nullopt;
  return read_release(*s);
}

std::vector<Release> SqliteStore::list_releases(Id project_id) {
  auto s = prepare(std::string("SELECT ") + kReleaseColumns + " FROM releases WHERE project_id = ? ORDER BY number DESC");
  s->bind(1, project_id);
  std::vector<Release> out;
  while (s->step()) out.push_back(read_release(*s));
  return out;
}

void SqliteStore::set_release_app_type(Id release_id, const std::string& app_type) {
  auto s = prepare("UPDATE releases SET app_type = ? WHERE id = ?");
  s->bind(1, app_type).bind(2, release_id);
  s->run();
}

void SqliteStore::delete_release(Id id) {
  auto s = prepare("DELETE FROM releases WHERE id = ?");
  s->bind(1, id);
  s->run();
}

Deployment SqliteStore::create_deployment(const Deployment& d) {
  auto s = prepare(
      "INSERT INTO deployments(project_id, environment, release_id, previous_release_id, kind, status, reason, "
      "trigger, created_at, approved_by) VALUES(?,?,?,?,?,?,?,?,?,?)");
  s->bind(1, d.project_id).bind(2, d.environment).bind(3, d.release_id).bind(4, d.previous_release_id);
  s->bind(5, d.kind).bind(6, to_string(d.status)).bind(7, d.reason).bind(8, d.trigger).bind(9, util::now_ms());
  s->bind(10, d.approved_by);
  s->run();
  return *find_deployment(db_->last_insert_id());
}

std::optional<Deployment> SqliteStore::find_deployment(Id id) {
  auto s = prepare(std::string(kDeploymentSelect) + "WHERE d.id = ?");
  s->bind(1, id);
  if (!s->step()) return std::nullopt;
  return read_deployment(*s);
}

std::vector<Deployment> SqliteStore::list_deployments(const DeploymentFilter& filter) {
  std::string sql = std::string(kDeploymentSelect) + "WHERE 1";
  if (filter.project_id) sql += " AND d.project_id = ?1";
  if (filter.environment) sql += " AND d.environment = ?2";
  if (filter.status) sql += " AND d.status = ?3";
  sql += " ORDER BY d.id DESC LIMIT ?4";
  auto s = prepare(sql);
  if (filter.project_id) s->bind(1, *filter.project_id);
  if (filter.environment) s->bind(2, *filter.environment);
  if (filter.status) s->bind(3, to_string(*filter.status));
  s->bind(4, filter.limit);
  std::vector<Deployment> out;
  while (s->step()) out.push_back(read_deployment(*s));
  return out;
}

void SqliteStore::update_deployment(const Deployment& d) {
  auto s = prepare(
      "UPDATE deployments SET status = ?, reason = ?, started_at = ?, finished_at = ?, previous_release_id = ?, "
      "approved_by = ? WHERE id = ?");
  s->bind(1, to_string(d.status)).bind(2, d.reason).bind(3, d.started_at).bind(4, d.finished_at);
  s->bind(5, d.previous_release_id).bind(6, d.approved_by).bind(7, d.id);
  s->run();
}

bool SqliteStore::claim_deployment(Id id, TimeMs now) {
  auto s = prepare(
      "UPDATE deployments SET status = 'running', started_at = ?1 WHERE id = ?2 AND status = 'queued' AND NOT EXISTS "
      "(SELECT 1 FROM deployments o WHERE o.project_id = deployments.project_id "
      "AND o.environment = deployments.environment AND o.status = 'running')");
  s->bind(1, now).bind(2, id);
  s->run();
  return db_->changes() > 0;
}

void SqliteStore::save_deployment_host(const DeploymentHost& h) {
  auto s = prepare(
      "INSERT INTO deployment_hosts(deployment_id, host, status, detail, bytes_sent, updated_at) VALUES(?,?,?,?,?,?) "
      "ON CONFLICT(deployment_id, host) DO UPDATE SET status = excluded.status, detail = excluded.detail, "
      "bytes_sent = excluded.bytes_sent, updated_at = excluded.updated_at");
  s->bind(1, h.deployment_id).bind(2, h.host).bind(3, h.status).bind(4, h.detail).bind(5, h.bytes_sent);
  s->bind(6, util::now_ms());
  s->run();
}

std::vector<DeploymentHost> SqliteStore::list_deployment_hosts(Id deployment_id) {
  auto s = prepare(
      "SELECT deployment_id, host, status, detail, bytes_sent, updated_at FROM deployment_hosts "
      "WHERE deployment_id = ? ORDER BY rowid");
  s->bind(1, deployment_id);
  std::vector<DeploymentHost> out;
  while (s->step()) {
    out.push_back({s->int64(0), s->text(1), s->text(2), s->text(3), s->int64(4), s->int64(5)});
  }
  return out;
}

void SqliteStore::record_host_release(Id project_id, const std::string& environment, const std::string& host,
                                      Id release_id, bool live) {
  transaction([&] {
    if (live) {
      auto clear = prepare("UPDATE host_releases SET live = 0 WHERE project_id = ? AND environment = ? AND host = ?");
      clear->bind(1, project_id).bind(2, environment).bind(3, host);
      clear->run();
    }
    auto s = prepare(
        "INSERT INTO host_releases(project_id, environment, host, release_id, live, delivered_at) VALUES(?,?,?,?,?,?) "
        "ON CONFLICT(project_id, environment, host, release_id) DO UPDATE SET live = excluded.live");
    s->bind(1, project_id).bind(2, environment).bind(3, host).bind(4, release_id).bind(5, live ? 1 : 0);
    s->bind(6, util::now_ms());
    s->run();
  });
}

void SqliteStore::remove_host_release(Id project_id, const std::string& environment, const std::string& host,
                                      Id release_id) {
  auto s = prepare(
      "DELETE FROM host_releases WHERE project_id = ? AND environment = ? AND host = ? AND release_id = ?");
  s->bind(1, project_id).bind(2, environment).bind(3, host).bind(4, release_id);
  s->run();
}

std::vector<HostRelease> SqliteStore::list_host_releases(Id project_id, const std::string& environment) {
  auto s = prepare(
      "SELECT h.project_id, h.environment, h.host, h.release_id, COALESCE(r.number, 0), h.live, h.delivered_at "
      "FROM host_releases h LEFT JOIN releases r ON r.id = h.release_id "
      "WHERE h.project_id = ? AND h.environment = ? ORDER BY h.host, r.number DESC");
  s->bind(1, project_id).bind(2, environment);
  std::vector<HostRelease> out;
  while (s->step()) {
    out.push_back({s->int64(0), s->text(1), s->text(2), s->int64(3), static_cast<int>(s->int64(4)),
                   s->int64(5) != 0, s->int64(6)});
  }
  return out;
}

std::optional<LiveRelease> SqliteStore::find_live(Id project_id, const std::string& environment) {
  auto s = prepare(std::string(kLiveSelect) + "WHERE l.project_id = ? AND l.environment = ?");
  s->bind(1, project_id).bind(2, environment);
  if (!s->step()) return std::nullopt;
  return read_live(*s);
}

std::vector<LiveRelease> SqliteStore::list_live() {
  auto s = prepare(std::string(kLiveSelect) + "ORDER BY l.project_id, l.environment");
  std::vector<LiveRelease> out;
  while (s->step()) out.push_back(read_live(*s));
  return out;
}

void SqliteStore::set_live(const LiveRelease& live) {
  auto s = prepare(
      "INSERT INTO live_releases(project_id, environment, deployment_id, release_id, previous_release_id, since) "
      "VALUES(?,?,?,?,?,?) ON CONFLICT(project_id, environment) DO UPDATE SET deployment_id = excluded.deployment_id, "
      "release_id = excluded.release_id, previous_release_id = excluded.previous_release_id, since = excluded.since");
  s->bind(1, live.project_id).bind(2, live.environment).bind(3, live.deployment_id).bind(4, live.release_id);
  s->bind(5, live.previous_release_id).bind(6, live.since);
  s->run();
}

void SqliteStore::clear_live(Id project_id, const std::string& environment) {
  auto s = prepare("DELETE FROM live_releases WHERE project_id = ? AND environment = ?");
  s->bind(1, project_id).bind(2, environment);
  s->run();
}

ConfigVersion SqliteStore::latest_config(Id project_id) {
  auto s = prepare(
      "SELECT version, entries FROM config_versions WHERE project_id = ? ORDER BY version DESC LIMIT 1");
  s->bind(1, project_id);
  if (!s->step()) return {};
  return ConfigVersion{static_cast<int>(s->int64(0)), entries_from_json(s->text(1))};
}

std::optional<ConfigVersion> SqliteStore::find_config(Id project_id, int version) {
  if (version == 0) return ConfigVersion{};
  auto s = prepare("SELECT version, entries FROM config_versions WHERE project_id = ? AND version = ?");
  s->bind(1, project_id).bind(2, version);
  if (!s->step()) return std::nullopt;
  return ConfigVersion{static_cast<int>(s->int64(0)), entries_from_json(s->text(1))};
}

int SqliteStore::save_config(Id project_id, const std::vector<ConfigEntry>& entries) {
  int version = 0;
  transaction([&] {
    version = latest_config(project_id).version + 1;
    auto s = prepare("INSERT INTO config_versions(project_id, version, entries, created_at) VALUES(?,?,?,?)");
    s->bind(1, project_id).bind(2, version).bind(3, entries_to_json(entries)).bind(4, util::now_ms());
    s->run();
  });
  return version;
}

Instance SqliteStore::create_instance(const Instance& i) {
  auto s = prepare(
      "INSERT INTO instances(project_id, environment, deployment_id, release_id, process, idx, port, dir, active, "
      "supervisor_pid, supervisor_start_time, container, docker_host, compose_project, address) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s->bind(1, i.project_id).bind(2, i.environment).bind(3, i.deployment_id).bind(4, i.release_id);
  s->bind(5, i.process).bind(6, i.index).bind(7, i.port).bind(8, i.dir).bind(9, i.active ? 1 : 0);
  s->bind(10, i.supervisor_pid).bind(11, i.supervisor_start_time).bind(12, i.container).bind(13, i.docker_host).bind(14, i.compose_project);
  s->bind(15, i.address);
  s->run();
  Instance out = i;
  out.id = db_->last_insert_id();
  return out;
}

void SqliteStore::update_instance(const Instance& i) {
  auto s = prepare(
      "UPDATE instances SET active = ?, port = ?, dir = ?, supervisor_pid = ?, supervisor_start_time = ?, "
      "container = ?, address = ? WHERE id = ?");  // the engine and compose project never change
  s->bind(1, i.active ? 1 : 0).bind(2, i.port).bind(3, i.dir).bind(4, i.supervisor_pid);
  s->bind(5, i.supervisor_start_time).bind(6, i.container).bind(7, i.address).bind(8, i.id);
  s->run();
}

std::vector<Instance> SqliteStore::list_instances(std::optional<Id> project_id, bool active_only) {
  std::string sql = std::string("SELECT ") + kInstanceColumns + " FROM instances WHERE 1";
  if (project_id) sql += " AND project_id = ?1";
  if (active_only) sql += " AND active = 1";
  sql += " ORDER BY project_id, environment, process, idx, id";
  auto s = prepare(sql);
  if (project_id) s->bind(1, *project_id);
  std::vector<Instance> out;
  while (s->step()) out.push_back(read_instance(*s));
  return out;
}

void SqliteStore::delete_instance(Id id) {
  auto s = prepare("DELETE FROM instances WHERE id = ?");
  s->bind(1, id);
  s->run();
}

bool SqliteStore::add_domain(Id project_id, const std::string& domain) {
  auto s = prepare("INSERT OR IGNORE INTO domains(domain, project_id, created_at) VALUES(?,?,?)");
  s->bind(1, domain).bind(2, project_id).bind(3, util::now_ms());
  s->run();
  return db_->changes() > 0;
}

bool SqliteStore::remove_domain(Id project_id, const std::string& domain) {
  auto s = prepare("DELETE FROM domains WHERE project_id = ? AND domain = ?");
  s->bind(1, project_id).bind(2, domain);
  s->run();
  return db_->changes() > 0;
}

std::vector<std::pair<Id, std::string>> SqliteStore::list_domains(std::optional<Id> project_id) {
  std::string sql = "SELECT project_id, domain FROM domains";
  if (project_id) sql += " WHERE project_id = ?1";
  sql += " ORDER BY project_id, domain";
  auto s = prepare(sql);
  if (project_id) s->bind(1, *project_id);
  std::vector<std::pair<Id, std::string>> out;
  while (s->step()) out.emplace_back(s->int64(0), s->text(1));
  return out;
}

Formation SqliteStore::formation(Id project_id) {
  auto s = prepare("SELECT process, count FROM formation WHERE project_id = ? ORDER BY process");
  s->bind(1, project_id);
  Formation out;
  while (s->step()) out[s->text(0)] = static_cast<int>(s->int64(1));
  return out;
}

void SqliteStore::set_formation(Id project_id, const Formation& counts) {
  transaction([&] {
    for (const auto& [process, count] : counts) {
      auto s = prepare(
          "INSERT INTO formation(project_id, process, count) VALUES(?,?,?) "
          "ON CONFLICT(project_id, process) DO UPDATE SET count = excluded.count");
      s->bind(1, project_id).bind(2, process).bind(3, count);
      s->run();
    }
  });
}

}  // namespace slipway::store
