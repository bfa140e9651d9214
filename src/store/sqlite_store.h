// The embedded store: one SQLite file in WAL mode, migrated on open.
#pragma once

#include <string_view>
#include <unordered_map>
#include <memory>
#include <string>

#include "store/sqlite.h"
#include "store/store.h"
#include "util/expected.h"

namespace slipway::store {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) and migrates the database at PATH.
  static util::Expected<std::unique_ptr<SqliteStore>> open(const std::string& path);

  Project create_project(const Project& project) override;
  std::optional<Project> find_project(const std::string& name) override;
  std::optional<Project> find_project(Id id) override;
  std::vector<Project> list_projects() override;
  bool delete_project(Id id) override;
  void set_poll_interval(Id project_id, int seconds) override;
  std::optional<std::map<std::string, std::string>> polled_heads(Id project_id) override;
  void save_polled_heads(Id project_id, const std::map<std::string, std::string>& heads) override;
  std::map<std::string, TimeMs> schedule_marks(Id project_id) override;
  void save_schedule_marks(Id project_id, const std::map<std::string, TimeMs>& marks) override;

  Run create_run(const Run& run) override;
  std::optional<Run> find_run(Id id) override;
  std::vector<Run> list_runs(const RunFilter& filter) override;
  std::vector<Run> queued_runs(int limit) override;
  std::vector<Run> runs_with_status(RunStatus status) override;
  void update_run(const Run& run) override;

  std::vector<Step> insert_steps(Id run_id, const std::vector<Step>& steps) override;
  std::vector<Step> list_steps(Id run_id) override;
  void update_step(const Step& step) override;

  Token create_token(const std::string& name, Role role, const std::string& token_hash) override;
  std::optional<Token> find_token_by_hash(const std::string& token_hash) override;
  std::vector<Token> list_tokens() override;
  void create_session(const std::string& session_hash, Id token_id, TimeMs expires_at) override;
  std::optional<Token> find_session_token(const std::string& session_hash, TimeMs now) override;
  void delete_session(const std::string& session_hash) override;

  bool record_delivery(const std::string& provider, const std::string& delivery_id) override;

  Release create_release(const Release& release) override;
  std::optional<Release> find_release(Id id) override;
  std::optional<Release> find_release(Id project_id, int number) override;
  std::vector<Release> list_releases(Id project_id) override;
  void set_release_app_type(Id release_id, const std::string& app_type) override;
  void delete_release(Id id) override;

  Deployment create_deployment(const Deployment& deployment) override;
  std::optional<Deployment> find_deployment(Id id) override;
  std::vector<Deployment> list_deployments(const DeploymentFilter& filter) override;
  void update_deployment(const Deployment& deployment) override;
  bool claim_deployment(Id id, TimeMs now) override;
  void save_deployment_host(const DeploymentHost& host) override;
  std::vector<DeploymentHost> list_deployment_hosts(Id deployment_id) override;
  void record_host_release(Id project_id, const std::string& environment, const std::string& host, Id release_id,
                           bool live) override;
  void remove_host_release(Id project_id, const std::string& environment, const std::string& host,
                           Id release_id) override;
  std::vector<HostRelease> list_host_releases(Id project_id, const std::string& environment) override;

  std::optional<LiveRelease> find_live(Id project_id, const std::string& environment) override;
  std::vector<LiveRelease> list_live() override;
  void set_live(const LiveRelease& live) override;
  void clear_live(Id project_id, const std::string& environment) override;

  ConfigVersion latest_config(Id project_id) override;
  std::optional<ConfigVersion> find_config(Id project_id, int version) override;
  int save_config(Id project_id, const std::vector<ConfigEntry>& entries) override;

  Instance create_instance(const Instance& instance) override;
  void update_instance(const Instance& instance) override;
  std::vector<Instance> list_instances(std::optional<Id> project_id, bool active_only) override;
  void delete_instance(Id id) override;

  bool add_domain(Id project_id, const std::string& domain) override;
  bool remove_domain(Id project_id, const std::string& domain) override;
  std::vector<std::pair<Id, std::string>> list_domains(std::optional<Id> project_id) override;
  Formation formation(Id project_id) override;
  void set_formation(Id project_id, const Formation& counts) override;

  Delivery create_delivery(const Delivery& delivery) override;
  std::optional<Delivery> find_delivery(Id id) override;
  std::vector<Delivery> list_deliveries(const DeliveryFilter& filter) override;
  std::vector<Delivery> due_deliveries(TimeMs now, int limit) override;
  std::optional<TimeMs> next_delivery_at() override;
  bool update_delivery(const Delivery& delivery) override;
  int supersede_deliveries(Id run_id, const std::string& kind) override;

  std::vector<StatusCount> count_runs() override;
  std::vector<StatusCount> count_deployments() override;
  std::vector<DurationCounts> step_durations(const std::vector<TimeMs>& bounds_ms) override;
  std::vector<DurationCounts> deployment_durations(const std::vector<TimeMs>& bounds_ms) override;

  int schema_version();

 protected:
  void begin() override;
  void commit() override;
  void rollback() override;

 private:
  explicit SqliteStore(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
  void migrate();

  // A cached prepared statement, rewound when the use ends so no read
  // transaction stays open behind a half-read result.
  class Use {
   public:
    explicit Use(Statement& statement) : statement_(statement) {}
    ~Use() { statement_.reset(); }
    Statement* operator->() { return &statement_; }
    Statement& operator*() { return statement_; }

   private:
    Statement& statement_;
  };
  Use prepare(const std::string& sql);

  std::unique_ptr<SqliteDatabase> db_;
  std::unordered_map<std::string, Statement> statements_;  // keyed by their SQL
  int transaction_depth_ = 0;
};

}  // namespace slipway::store
