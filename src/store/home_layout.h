// Where Slipway keeps its state under the home directory (--home).
#pragma once

#include <cstdint>
#include <string>

namespace slipway::store {

class HomeLayout {
 public:
  explicit HomeLayout(std::string home);

  const std::string& home() const { return home_; }
  std::string database() const { return home_ + "/slipway.db"; }
  std::string lock_file() const { return home_ + "/slipway.lock"; }
  std::string repos_dir() const { return home_ + "/repos"; }
  std::string repo(const std::string& project) const { return repos_dir() + "/" + project + ".git"; }
  std::string workspaces_dir() const { return home_ + "/workspaces"; }
  std::string workspace(std::int64_t run_id) const { return workspaces_dir() + "/" + std::to_string(run_id); }
  std::string logs_dir() const { return home_ + "/logs"; }
  std::string run_logs(std::int64_t run_id) const { return logs_dir() + "/" + std::to_string(run_id); }
  std::string step_log(std::int64_t run_id, int position) const {
    return run_logs(run_id) + "/" + std::to_string(position) + ".log";
  }

  // Creates the folders that must exist; throws util::Error.
  void create_directories() const;

 private:
  std::string home_;
};

}  // namespace slipway::store
