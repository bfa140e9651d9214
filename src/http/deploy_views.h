// How releases, deployments, instances and apps look in the API's JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deploy/proxy_control.h"
#include "store/store.h"

namespace slipway::http {

nlohmann::json release_json(const store::Release& release, const std::vector<store::LiveRelease>& live);
nlohmann::json deployment_json(const store::Deployment& deployment, const std::string& url);
// ssh environments: how each host fared in a deployment; which hosts hold RELEASE.
nlohmann::json deployment_hosts_json(const std::vector<store::DeploymentHost>& hosts);
nlohmann::json host_releases_json(const store::Release& release, const std::vector<store::HostRelease>& held);
nlohmann::json instance_json(const store::Instance& instance, int release_number);
// What an instance is doing, as instance_json shows it: starting, running,
// backoff, crashed or stopped.
std::string instance_status(const store::Instance& instance);
// The app with each environment's live release and state.
nlohmann::json app_json(store::Store& store, const store::Project& project, const deploy::ProxyControl& proxy);
// The URL an environment of PROJECT is served at.
std::string environment_url(store::Store& store, const store::Project& project, const std::string& environment,
                            const deploy::ProxyControl& proxy);

}  // namespace slipway::http
