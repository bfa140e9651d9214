// Keeps Slipway's nginx in step with the store: which release is live in
// each app environment, its healthy web instances, static roots and domains.
// Thread-safe: deployments on worker threads and the API both apply.
#pragma once

#include <map>
#include <set>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proxy/nginx_config.h"
#include "proxy/nginx_proxy.h"
#include "store/home_layout.h"
#include "store/store.h"
#include "util/expected.h"

namespace slipway::deploy {

class ProxyControl {
 public:
  ProxyControl(proxy::NginxProxy proxy, store::HomeLayout layout);

  // Starts (or adopts) nginx serving what the store says is live.
  void start(store::Store& store);
  // Renders the sites from STORE, tests and reloads; on failure nginx keeps
  // its working configuration and the error says why.
  util::Expected<void> apply(store::Store& store);
  void stop();

  // "http://hello.localhost:8080/" for APP's primary environment (the one
  // called production, or its only one), "http://staging.hello.localhost:8080/" else.
  std::string url(const std::string& app, const std::string& environment, bool primary) const;
  const std::string& listen() const { return proxy_.settings().listen; }

  // The sites for everything live in STORE (exposed for tests).
  std::vector<proxy::Site> sites(store::Store& store);

 private:
  struct ReleaseFacts {
    std::string static_root;                   // the directory nginx serves ("" = proxied)
    std::set<std::string> remote_environments;     // served elsewhere (ssh hosts): not by this nginx
    std::set<std::string> container_environments;  // served by containers on this machine
  };
  const ReleaseFacts& facts(const store::Release& release);

  std::mutex mutex_;
  proxy::NginxProxy proxy_;
  store::HomeLayout layout_;
  std::map<store::Id, ReleaseFacts> facts_;  // by release id: what its slipway.yml and app plan say
};

// NAME as a host name label: lower case, '_' as '-'.
std::string host_label(const std::string& name);
// Whether ENVIRONMENT is the one APP's bare name (APP.localhost, custom domains) points at.
bool is_primary_environment(const std::vector<store::LiveRelease>& live_of_app, const std::string& environment);

}  // namespace slipway::deploy
