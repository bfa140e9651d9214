// Slipway's own nginx master process under HOME/nginx: start it (or adopt the
// one a previous daemon left running), apply a new set of sites with a tested,
// graceful reload, and stop it. nginx daemonises itself in its own session, so
// it keeps serving the apps when the Slipway daemon stops or dies; nothing here
// holds the master as a child, it is always found again through nginx.pid.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "proxy/listen_address.h"
#include "proxy/nginx_config.h"
#include "util/expected.h"

namespace slipway::proxy {

class NginxProxy {
 public:
  // Creates the prefix folders (conf, logs, temp) and finds the nginx binary
  // (a path, or a name looked up in PATH, /usr/sbin and /sbin).
  static util::Expected<NginxProxy> open(ProxySettings settings);

  // Adopts a master already running from this prefix and applies SITES to it;
  // otherwise writes and tests the configuration, starts nginx and waits (at
  // most ~5 s) until it accepts connections. Throws util::Error holding nginx's
  // own message when it cannot.
  void start(const std::vector<Site>& sites);

  // Renders SITES and applies them like apply_config.
  util::Expected<void> apply(const std::vector<Site>& sites);
  // Writes CONFIG to conf/nginx.conf.new, tests it with `nginx -t`, and only
  // when that passes moves it over conf/nginx.conf and reloads the master
  // (SIGHUP). Returns once the master runs new workers, so connections opened
  // after it returns use the new configuration. On failure conf/nginx.conf and
  // the running nginx are untouched and the message holds nginx's.
  util::Expected<void> apply_config(const std::string& config);

  // Graceful stop (SIGQUIT); SIGKILL to the master's group after 10 s.
  void stop();

  // The running master of this prefix, checked against /proc, if any.
  std::optional<pid_t> master_pid() const;
  const ProxySettings& settings() const { return settings_; }
  const NginxLayout& layout() const { return layout_; }

 private:
  NginxProxy(ProxySettings settings, ListenAddress listen);

  // Writes and tests a candidate configuration; returns its path.
  util::Expected<std::string> prepare_config(const std::string& config) const;
  std::vector<std::string> nginx_argv(const std::string& config_file, bool test) const;
  void wait_until_serving(std::optional<pid_t> master) const;
  std::string error_log_tail() const;

  ProxySettings settings_;
  ListenAddress listen_;
  NginxLayout layout_;
};

}  // namespace slipway::proxy
