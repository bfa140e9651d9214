#include "scheduler/outbox.h"

#include <spdlog/spdlog.h>

#include "deploy/app_config.h"
#include "scheduler/deployment_notification.h"
#include "util/crypto.h"

namespace slipway::scheduler {

std::string delivery_origin(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return "(invalid URL)";
  auto end = url.find_first_of("/?#", scheme + 3);
  std::string origin = url.substr(0, end);
  auto at = origin.rfind('@');
  if (at != std::string::npos && at > scheme) origin = origin.substr(0, scheme + 3) + origin.substr(at + 1);
  return origin;
}

std::string delivery_target(const store::Delivery& delivery) {
  return delivery.url_secret.empty() ? delivery_origin(delivery.url) : "the URL in secret " + delivery.url_secret;
}

void Outbox::add(store::Delivery delivery) {
  auto added = store_.create_delivery(delivery);
  spdlog::info("delivery {} queued: {} {} to {}", added.id, added.kind, added.event, delivery_target(added));
}

void Outbox::wake() {
  if (wake_) wake_();  // after the commit: the worker reads through its own connection
}

void Outbox::run_status(const pipeline::CommitStatusSettings& settings, const store::Run& run,
                        RunPhase phase) {
  if (run.commit.size() != 40) return;  // never resolved to a commit: nothing to report on
  try {
    store_.transaction([&] {
      store_.supersede_deliveries(run.id, "status");
      add(commit_status_delivery(settings, run, phase, base_url_));
    });
    wake();
  } catch (const std::exception& e) {
    spdlog::error("run {}: cannot queue its commit status: {}", run.id, e.what());
  }
}

void Outbox::run_interrupted(const store::Run& run) {
  try {
    auto last = store_.list_deliveries({std::nullopt, run.id, std::nullopt, 1});
    if (last.empty()) return;
    if (auto cancelled = interrupted_status(last.front())) {
      store_.transaction([&] {
        store_.supersede_deliveries(run.id, "status");
        add(std::move(*cancelled));
      });
      wake();
    }
  } catch (const std::exception& e) {
    spdlog::error("run {}: cannot queue its commit status: {}", run.id, e.what());
  }
}

void Outbox::deployment_ended(const store::Deployment& deployment,
                              const std::vector<pipeline::Notification>& notify, const std::string& commit) {
  auto event = notification_event(deployment);
  if (!event) return;
  DeploymentFacts facts{*event, deployment, commit,
                        base_url_ + "/#/apps/" + deployment.project + "/" + deployment.environment};
  for (const auto& notification : notify) {
    if (!notification.wants(*event)) continue;
    try {
      std::string secret;
      if (!notification.secret.empty()) {
        auto found =
            deploy::find_secret(store_.latest_config(deployment.project_id), secrets_, notification.secret);
        if (!found) {
          // Unsigned would be worse than none: the receiver could not tell it from a forgery.
          spdlog::error("deployment {}: notification to {} not sent: {}", deployment.id,
                        notification.url_secret.empty() ? delivery_origin(notification.url)
                                                        : "the URL in secret " + notification.url_secret,
                        found.error());
          continue;
        }
        secret = std::move(*found);
      }
      add(notification_delivery(notification, facts, secret, util::random_hex(16)));
      wake();
    } catch (const std::exception& e) {
      spdlog::error("deployment {}: cannot queue a notification: {}", deployment.id, e.what());
    }
  }
}

}  // namespace slipway::scheduler
