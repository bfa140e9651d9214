// The persistence interface. Everything Slipway must remember across restarts
// goes through it; SqliteStore is the embedded default.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/aggregates.h"
#include "store/delivery_records.h"
#include "store/deploy_records.h"
#include "store/records.h"

namespace slipway::store {

class Store {
 public:
  virtual ~Store() = default;

  // Projects
  virtual Project create_project(const Project& project) = 0;  // throws if the name exists
  virtual std::optional<Project> find_project(const std::string& name) = 0;
  virtual std::optional<Project> find_project(Id id) = 0;
  virtual std::vector<Project> list_projects() = 0;
  virtual bool delete_project(Id id) = 0;  // with its runs and steps

  // Triggers without a push (scheduler/remote_poller.h, scheduler/scheduled_runs.h)
  virtual void set_poll_interval(Id project_id, int seconds) = 0;
  // The remote's heads (ref -> commit) as the last poll saw them; nothing when never polled.
  virtual std::optional<std::map<std::string, std::string>> polled_heads(Id project_id) = 0;
  virtual void save_polled_heads(Id project_id, const std::map<std::string, std::string>& heads) = 0;
  // Per schedule key: when the schedule last fired (or was first seen). Saving replaces them all.
  virtual std::map<std::string, TimeMs> schedule_marks(Id project_id) = 0;
  virtual void save_schedule_marks(Id project_id, const std::map<std::string, TimeMs>& marks) = 0;

  // Runs
  virtual Run create_run(const Run& run) = 0;  // status queued (or as given), created_at now
  virtual std::optional<Run> find_run(Id id) = 0;
  virtual std::vector<Run> list_runs(const RunFilter& filter) = 0;  // newest first
  virtual std::vector<Run> queued_runs(int limit) = 0;              // oldest first
  virtual std::vector<Run> runs_with_status(RunStatus status) = 0;
  virtual void update_run(const Run& run) = 0;  // status, reason, times, commit and message

  // Steps
  virtual std::vector<Step> insert_steps(Id run_id, const std::vector<Step>& steps) = 0;  // ids filled in
  virtual std::vector<Step> list_steps(Id run_id) = 0;  // by position
  virtual void update_step(const Step& step) = 0;

  // Tokens: only the hash of a token is stored.
  virtual Token create_token(const std::string& name, Role role, const std::string& token_hash) = 0;
  virtual std::optional<Token> find_token_by_hash(const std::string& token_hash) = 0;
  virtual std::vector<Token> list_tokens() = 0;

  // Dashboard sessions, by the hash of the cookie's value; a session stands
  // for its token until EXPIRES_AT. Creating one forgets the expired ones.
  virtual void create_session(const std::string& session_hash, Id token_id, TimeMs expires_at) = 0;
  virtual std::optional<Token> find_session_token(const std::string& session_hash, TimeMs now) = 0;
  virtual void delete_session(const std::string& session_hash) = 0;

  // Webhook deliveries: false when (provider, delivery_id) was seen before.
  virtual bool record_delivery(const std::string& provider, const std::string& delivery_id) = 0;

  // Releases: NUMBER is assigned (the project's next) when the release is created.
  virtual Release create_release(const Release& release) = 0;
  virtual std::optional<Release> find_release(Id id) = 0;
  virtual std::optional<Release> find_release(Id project_id, int number) = 0;
  virtual std::vector<Release> list_releases(Id project_id) = 0;  // newest first
  virtual void set_release_app_type(Id release_id, const std::string& app_type) = 0;
  virtual void delete_release(Id id) = 0;

  // Deployments
  virtual Deployment create_deployment(const Deployment& deployment) = 0;
  virtual std::optional<Deployment> find_deployment(Id id) = 0;
  virtual std::vector<Deployment> list_deployments(const DeploymentFilter& filter) = 0;  // newest first
  virtual void update_deployment(const Deployment& deployment) = 0;  // status, reason, times, previous
  // Takes the environment's deployment lock: marks the deployment running
  // unless another one of its environment is; false when the lock is held.
  virtual bool claim_deployment(Id id, TimeMs now) = 0;

  // ssh environments: per-host results of a deployment, release trees per host
  virtual void save_deployment_host(const DeploymentHost& host) = 0;  // by (deployment, host)
  virtual std::vector<DeploymentHost> list_deployment_hosts(Id deployment_id) = 0;  // in host order of first save
  // Records that HOST has RELEASE_ID; LIVE makes it the host's only live one.
  virtual void record_host_release(Id project_id, const std::string& environment, const std::string& host,
                                   Id release_id, bool live) = 0;
  virtual void remove_host_release(Id project_id, const std::string& environment, const std::string& host,
                                   Id release_id) = 0;
  virtual std::vector<HostRelease> list_host_releases(Id project_id, const std::string& environment) = 0;

  // What is live
  virtual std::optional<LiveRelease> find_live(Id project_id, const std::string& environment) = 0;
  virtual std::vector<LiveRelease> list_live() = 0;
  virtual void set_live(const LiveRelease& live) = 0;
  virtual void clear_live(Id project_id, const std::string& environment) = 0;

  // Configuration: each change stores the whole map as a new version.
  virtual ConfigVersion latest_config(Id project_id) = 0;
  virtual std::optional<ConfigVersion> find_config(Id project_id, int version) = 0;
  virtual int save_config(Id project_id, const std::vector<ConfigEntry>& entries) = 0;  // the new version

  // Instances
  virtual Instance create_instance(const Instance& instance) = 0;
  virtual void update_instance(const Instance& instance) = 0;  // active, port, supervisor
  virtual std::vector<Instance> list_instances(std::optional<Id> project_id, bool active_only) = 0;
  virtual void delete_instance(Id id) = 0;

  // Domains (unique over all projects) and the process formation
  virtual bool add_domain(Id project_id, const std::string& domain) = 0;  // false: taken
  virtual bool remove_domain(Id project_id, const std::string& domain) = 0;
  virtual std::vector<std::pair<Id, std::string>> list_domains(std::optional<Id> project_id) = 0;
  virtual Formation formation(Id project_id) = 0;
  virtual void set_formation(Id project_id, const Formation& counts) = 0;  // merges; count 0 is kept

  // The outbox of outbound requests (delivery_records.h), drained by the delivery worker.
  virtual Delivery create_delivery(const Delivery& delivery) = 0;  // id and created_at filled in
  virtual std::optional<Delivery> find_delivery(Id id) = 0;
  virtual std::vector<Delivery> list_deliveries(const DeliveryFilter& filter) = 0;  // newest first
  // Pending rows whose next attempt is due at NOW, oldest first.
  virtual std::vector<Delivery> due_deliveries(TimeMs now, int limit) = 0;
  // When the next pending row is due (nullopt: none pending).
  virtual std::optional<TimeMs> next_delivery_at() = 0;
  // Records an attempt (status, attempts, next_attempt_at, last_error, response_status,
  // finished_at) only while the row is still pending; false when it no longer was.
  virtual bool update_delivery(const Delivery& delivery) = 0;
  // Marks the pending rows of KIND for RUN_ID superseded (a newer status replaces them); the count.
  virtual int supersede_deliveries(Id run_id, const std::string& kind) = 0;

  // Aggregates for monitoring, one query each. Counts list only the (project,
  // environment,) status pairs that occur. Durations are of finished steps
  // (per project) and finished deployments (per project and environment) that
  // started, counted into BOUNDS_MS (ascending upper bounds).
  virtual std::vector<StatusCount> count_runs() = 0;
  virtual std::vector<StatusCount> count_deployments() = 0;
  virtual std::vector<DurationCounts> step_durations(const std::vector<TimeMs>& bounds_ms) = 0;
  virtual std::vector<DurationCounts> deployment_durations(const std::vector<TimeMs>& bounds_ms) = 0;

  // Runs several store calls as one transaction (all or nothing).
  template <typename F>
  void transaction(F&& body) {
    begin();
    try {
      body();
    } catch (...) {
      rollback();
      throw;
    }
    commit();  // rolls back itself when COMMIT fails
  }

 protected:
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

}  // namespace slipway::store
