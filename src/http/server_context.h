// What the HTTP handlers share: the store, the scheduler, the home layout and
// the authenticator. Owned by the daemon; handlers hold a reference.
#pragma once

#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

#include "http/auth.h"
#include "http/request_metrics.h"
#include "deploy/proxy_control.h"
#include "scheduler/deployment_queue.h"
#include "scheduler/scheduler.h"
#include "scm/repository_cache.h"
#include "store/home_layout.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/secret_box.h"

namespace slipway::http {

struct ServerContext {
  boost::asio::io_context& io;
  store::Store& store;
  scheduler::Scheduler& scheduler;
  scm::RepositoryCache& repositories;
  scheduler::DeploymentQueue& deployments;
  deploy::ProxyControl& proxy;
  const util::SecretBox& secrets;
  store::HomeLayout layout;
  Authenticator auth;
  std::string base_url;                // how clients reach us, for git URLs
  std::vector<std::string> base_env;   // for child processes (git http-backend)
  RequestMetrics requests{};           // counted by the Application, shown by GET /metrics
  std::int64_t started_at_ms = util::now_ms();  // when the daemon started serving
};

}  // namespace slipway::http
