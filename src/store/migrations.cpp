#include "store/migrations.h"

namespace slipway::store {

const std::vector<std::string_view>& sqlite_migrations() {
  static const std::vector<std::string_view> migrations = {
      // 1: projects, runs, steps, tokens, webhook deliveries
      R"sql(
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  source_url TEXT NOT NULL DEFAULT '',
  webhook_secret TEXT NOT NULL DEFAULT '',
  default_branch TEXT NOT NULL DEFAULT 'main',
  created_at INTEGER NOT NULL
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  trigger TEXT NOT NULL,
  branch TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_project ON runs(project_id, id);
CREATE INDEX runs_by_status ON runs(status, id);
CREATE TABLE steps (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  needs TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  exit_code INTEGER NOT NULL DEFAULT -1,
  reason TEXT NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER NOT NULL DEFAULT 0,
  pgid INTEGER NOT NULL DEFAULT 0,
  pgid_start_time INTEGER NOT NULL DEFAULT 0,
  UNIQUE (run_id, position)
);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE deliveries (
  provider TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (provider, delivery_id)
);
)sql",
      // 2: run lists filtered by branch
      R"sql(
CREATE INDEX runs_by_branch ON runs(branch, id);
)sql",
      // 3: releases, deployments, live releases, config, instances, domains, formation
      R"sql(
CREATE TABLE releases (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  run_id INTEGER NOT NULL DEFAULT 0,
  commit_sha TEXT NOT NULL,
  config_version INTEGER NOT NULL DEFAULT 0,
  dir TEXT NOT NULL,
  app_type TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  UNIQUE (project_id, number)
);
CREATE TABLE deployments (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  release_id INTEGER NOT NULL,
  previous_release_id INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  trigger TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deployments_by_project ON deployments(project_id, environment, id);
CREATE INDEX deployments_by_status ON deployments(status, id);
-- The deployment lock: at most one running deployment per app environment.
CREATE UNIQUE INDEX deployment_lock ON deployments(project_id, environment) WHERE status = 'running';
CREATE TABLE live_releases (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  deployment_id INTEGER NOT NULL,
  release_id INTEGER NOT NULL,
  previous_release_id INTEGER NOT NULL DEFAULT 0,
  since INTEGER NOT NULL,
  PRIMARY KEY (project_id, environment)
);
CREATE TABLE config_versions (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  entries TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, version)
);
CREATE TABLE instances (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  deployment_id INTEGER NOT NULL,
  release_id INTEGER NOT NULL,
  process TEXT NOT NULL,
  idx INTEGER NOT NULL,
  port INTEGER NOT NULL,
  dir TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  supervisor_pid INTEGER NOT NULL DEFAULT 0,
  supervisor_start_time INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX instances_by_project ON instances(project_id, environment, active);
CREATE TABLE domains (
  domain TEXT PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
);
CREATE TABLE formation (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  process TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (project_id, process)
);
)sql",
      // 4: ssh targets: per-host results and release trees; approvals
      R"sql(
ALTER TABLE deployments ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
CREATE TABLE deployment_hosts (
  deployment_id INTEGER NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  bytes_sent INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (deployment_id, host)
);
CREATE TABLE host_releases (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  host TEXT NOT NULL,
  release_id INTEGER NOT NULL,
  live INTEGER NOT NULL DEFAULT 0,
  delivered_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, environment, host, release_id)
);
)sql",
      // 5: docker and compose targets: an instance can be a container instead of a supervised process
      R"sql(
ALTER TABLE instances ADD COLUMN container TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN docker_host TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN compose_project TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN address TEXT NOT NULL DEFAULT '';
)sql",
      // 6: dashboard sign-in: a session cookie stands for a token (only its hash is kept)
      R"sql(
CREATE TABLE sessions (
  hash TEXT PRIMARY KEY,
  token_id INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
)sql",
      // 7: the outbox of outbound requests (commit statuses, deployment notifications); secrets are
      // never stored: a signed body carries only its signature, a token is named by auth_secret
      R"sql(
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  event TEXT NOT NULL DEFAULT '',
  run_id INTEGER NOT NULL DEFAULT 0,
  deployment_id INTEGER NOT NULL DEFAULT 0,
  url TEXT NOT NULL,
  url_secret TEXT NOT NULL DEFAULT '',
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  auth_secret TEXT NOT NULL DEFAULT '',
  auth_scheme TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  response_status INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_by_project ON outbox(project_id, id);
)sql",
      // 8: polling of remote repositories (the heads seen last) and cron schedules (when each last fired)
      R"sql(
ALTER TABLE projects ADD COLUMN poll_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN polled_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE polled_heads (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  ref TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  PRIMARY KEY (project_id, ref)
);
CREATE TABLE schedule_marks (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  schedule TEXT NOT NULL,
  marked_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, schedule)
);
)sql",
  };
  return migrations;
}

}  // namespace slipway::store
