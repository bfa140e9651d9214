// The persistence interface. Everything Slipway must remember across restarts
// goes through it; SqliteStore is the embedded default.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

  // Webhook deliveries: false when (provider, delivery_id) was seen before.
  virtual bool record_delivery(const std::string& provider, const std::string& delivery_id) = 0;

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
