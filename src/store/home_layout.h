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

  std::string deployment_log(std::int64_t deployment_id) const {
    return logs_dir() + "/deployments/" + std::to_string(deployment_id) + ".log";
  }
  std::string releases_dir() const { return home_ + "/releases"; }
  std::string app_releases(const std::string& project) const { return releases_dir() + "/" + project; }
  std::string apps_dir() const { return home_ + "/apps"; }
  std::string app_environment(const std::string& project, const std::string& environment) const {
    return apps_dir() + "/" + project + "/" + environment;
  }
  std::string current_link(const std::string& project, const std::string& environment) const {
    return app_environment(project, environment) + "/current";
  }
  std::string instance_dir(const std::string& project, const std::string& environment, std::int64_t id) const {
    return app_environment(project, environment) + "/instances/" + std::to_string(id);
  }
  std::string process_log(const std::string& project, const std::string& environment,
                          const std::string& process) const {
    return app_environment(project, environment) + "/logs/" + process + ".log";
  }
  std::string nginx_prefix() const { return home_ + "/nginx"; }
  std::string secret_key() const { return home_ + "/secret.key"; }
  // Per project: the ssh key pair Slipway logs in to its hosts with, and the host keys it pinned.
  std::string ssh_dir(const std::string& project) const { return home_ + "/ssh/" + project; }

  // Creates the folders that must exist; throws util::Error.
  void create_directories() const;

 private:
  std::string home_;
};

}  // namespace slipway::store
