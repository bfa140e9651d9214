#include "cli/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "deploy/app_config.h"
#include "deploy/local_deployment.h"
#include "deploy/proxy_control.h"
#include "exec/orphan_sweeper.h"
#include "http/application.h"
#include "http/server.h"
#include "proxy/nginx_proxy.h"
#include "scheduler/delivery_worker.h"
#include "scheduler/deployment_queue.h"
#include "scheduler/outbox.h"
#include "scheduler/remote_poller.h"
#include "scheduler/scheduled_runs.h"
#include "scheduler/scheduler.h"
#include "scm/git_repository.h"
#include "store/sqlite_store.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/secret_box.h"
#include "util/strings.h"

extern char** environ;

namespace slipway::cli {

namespace {

// Held for the daemon's life: a second daemon on the same home fails to take it.
util::Fd lock_home(const store::HomeLayout& layout) {
  util::Fd fd = util::open_file(layout.lock_file(), O_RDWR | O_CREAT, 0644);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    char buffer[32] = {};
    ssize_t n = ::pread(fd.get(), buffer, sizeof buffer - 1, 0);
    std::string pid = n > 0 ? std::string(util::trim(std::string_view(buffer, static_cast<std::size_t>(n)))) : "?";
    throw util::Error(fmt::format("another slipway daemon (pid {}) is already running with home {}", pid,
                                  layout.home()));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0) util::throw_errno("truncate " + layout.lock_file());
  if (::pwrite(fd.get(), pid.data(), pid.size(), 0) < 0) util::throw_errno("write " + layout.lock_file());
  return fd;
}

std::vector<std::string> inherited_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    for (const char* keep : {"PATH=", "HOME=", "USER=", "LOGNAME=", "LANG=", "LC_ALL=", "TZ=", "TMPDIR=", "SHELL="}) {
      if (text.rfind(keep, 0) == 0) env.emplace_back(text);
    }
  }
  bool has_path = false;
  for (const auto& e : env) has_path = has_path || e.rfind("PATH=", 0) == 0;
  if (!has_path) env.emplace_back("PATH=/usr/local/bin:/usr/bin:/bin");
  return env;
}

std::pair<std::string, unsigned short> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  unsigned long long port = 0;
  if (colon == std::string::npos || !util::parse_uint(listen.substr(colon + 1), port) || port > 65535) {
    throw util::Error("--listen must be ADDRESS:PORT, e.g. 127.0.0.1:7300 (got '" + listen + "')");
  }
  std::string address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  return {address, static_cast<unsigned short>(port)};
}

// Outbound deliveries retry after 2 s, 4 s, 8 s, ... (8 attempts). SLIPWAY_TEST_RETRY_BASE_MS
// (a test knob) replaces the 2 s and shortens the request timeout to 2 s.
scheduler::RetryPolicy delivery_retry_policy() {
  scheduler::RetryPolicy policy;
  unsigned long long base = 0;
  const char* knob = std::getenv("SLIPWAY_TEST_RETRY_BASE_MS");
  if (knob != nullptr && util::parse_uint(knob, base) && base > 0 && base <= 60000) {
    policy.base = std::chrono::milliseconds(base);
    policy.timeout = std::chrono::milliseconds(2000);
  }
  return policy;
}

// How supervisors are started: this very binary, even when an upgrade has
// replaced (or deleted) the file the daemon was started from.
std::string self_binary() {
  if (::access("/proc/self/exe", X_OK) != 0) util::throw_errno("cannot find the slipway binary (/proc/self/exe)");
  return "/proc/self/exe";
}

}  // namespace

int run_daemon(const DaemonOptions& options) {
  try {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    store::HomeLayout layout(options.home);
    layout.create_directories();
    util::Fd lock = lock_home(layout);
    auto [address, port] = split_listen(options.listen);

    auto opened = store::SqliteStore::open(layout.database());
    if (!opened) throw util::Error(opened.error());
    auto& store = *opened.value();
    scm::GitLibrary git;
    ::signal(SIGPIPE, SIG_IGN);

    boost::asio::io_context io(1);
    scheduler::SchedulerSettings settings;
    settings.executors = options.executors > 0 ? options.executors
                                               : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    settings.kill_grace = std::chrono::seconds(options.kill_grace_seconds);
    settings.base_env = inherited_environment();
    settings.self_binary = self_binary();
    scm::RepositoryCache repositories;
    auto secrets = util::SecretBox::open(layout.secret_key());
    if (!secrets) throw util::Error(secrets.error());
    // Commit statuses and notifications: rows in the store's outbox, sent by a thread of their own.
    scheduler::Outbox outbox(store, *secrets);
    auto delivery_worker = scheduler::DeliveryWorker::start(layout.database(), *secrets, delivery_retry_policy());
    if (!delivery_worker) throw util::Error(delivery_worker.error());
    outbox.on_added([worker = delivery_worker->get()] { worker->wake(); });
    scheduler::Scheduler scheduler(io, store, repositories, layout, settings);
    scheduler.set_outbox(&outbox);
    scheduler.recover();

    auto nginx = proxy::NginxProxy::open({layout.nginx_prefix(), options.proxy_listen, "nginx"});
    if (!nginx) throw util::Error(nginx.error());
    deploy::ProxyControl proxy(std::move(*nginx), layout);
    deploy::DeploySettings deploy_settings;
    deploy_settings.self_binary = self_binary();
    deploy_settings.base_env = settings.base_env;
    deploy_settings.stop_grace = std::chrono::seconds(options.stop_grace_seconds);
    deploy::DeployServices services{layout, proxy, *secrets, deploy_settings};
    scheduler::DeploymentQueue deployments(io, store, layout.database(), services);
    deployments.set_outbox(&outbox);
    deployments.recover();
    scheduler.set_step_config([&store, &secrets](store::Id project_id) {
      auto resolved = deploy::resolve_config(store.latest_config(project_id), *secrets);
      return scheduler::Scheduler::StepConfig{std::move(resolved.env), std::move(resolved.secrets)};
    });
    scheduler.on_run_succeeded([&deployments](const store::Run& run, const store::Project& project,
                                              const std::vector<pipeline::Environment>& environments,
                                              const std::string& workspace) {
      deployments.run_succeeded(run, project, environments, workspace);
    });
    exec::OrphanSweeper::become_subreaper();
    exec::OrphanSweeper orphans(io, [&scheduler](std::int64_t run_id, const std::string& step) {
      return scheduler.step_running(run_id, step);
    });
    orphans.start();

    http::ServerContext context{io,
                                store,
                                scheduler,
                                repositories,
                                deployments,
                                proxy,
                                *secrets,
                                layout,
                                http::Authenticator(store, options.public_read),
                                "",
                                settings.base_env};
    http::Application application(context);
    http::HttpServer server(io, address, port, application);
    std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
    context.base_url = fmt::format("http://{}:{}", host, server.port());
    outbox.set_base_url(context.base_url);
    {
      std::ofstream url_file(layout.home() + "/slipway.url");
      url_file << context.base_url << "\n";
    }
    if (options.test_poll_minimum_seconds > 0) scheduler::set_poll_minimum_seconds(options.test_poll_minimum_seconds);
    scheduler::RemotePoller poller(io, store, scheduler, layout, {settings.base_env, settings.kill_grace});
    scheduler::ScheduledRuns schedules(io, store, scheduler, repositories, layout);
    server.start();
    scheduler.start();
    deployments.start();
    poller.start();
    schedules.start();

    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    bool stopping = false;
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      stopping = true;
      spdlog::info("{}: stopping; no new runs start", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      server.stop_accepting();
      poller.stop();
      schedules.stop();
      // Deployed apps and nginx keep serving: they do not depend on the daemon.
      auto remaining = std::make_shared<int>(2);
      auto one_done = [&io, remaining] {
        if (--*remaining == 0) io.stop();
      };
      deployments.shutdown(one_done);
      scheduler.shutdown(std::chrono::seconds(options.grace_seconds), one_done);
    });

    spdlog::info("slipway {} listening on {} (home {}, {} executors, apps at {})", SLIPWAY_VERSION, context.base_url,
                 layout.home(), settings.executors, options.proxy_listen);
    std::cout << "slipway listening on " << context.base_url << std::endl;
    io.run();
    (*delivery_worker)->stop();  // aborts a request in flight: its row stays pending for the next start
    orphans.stop();
    orphans.sweep();  // every run has ended: nothing a step left behind may stay
    // No stale pid for `kill $(head -n1 slipway.lock)` to hit later.
    if (::ftruncate(lock.get(), 0) != 0) spdlog::warn("cannot clear {}", layout.lock_file());
    std::filesystem::remove(layout.home() + "/slipway.url");
    spdlog::info("stopped");
    return stopping ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slipway serve: %s\n", e.what());
    return 1;
  }
}

}  // namespace slipway::cli
