// The event loop's side of outbound requests: when a run starts or ends, or a
// deployment ends, the requests to send (commit statuses, notifications) are
// written to the store's outbox — a cheap insert, nothing is sent here — and
// the DeliveryWorker is woken. A failure is logged; it never touches the run
// or the deployment.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pipeline/outbound_settings.h"
#include "scheduler/commit_status.h"
#include "store/store.h"
#include "util/secret_box.h"

namespace slipway::scheduler {

class Outbox {
 public:
  Outbox(store::Store& store, const util::SecretBox& secrets) : store_(store), secrets_(secrets) {}

  // How the dashboard is reached, for links (BASE_URL/#/runs/ID); set before anything is added.
  void set_base_url(std::string url) { base_url_ = std::move(url); }
  const std::string& base_url() const { return base_url_; }
  // Called after every row added (the worker's wake()).
  void on_added(std::function<void()> wake) { wake_ = std::move(wake); }

  // RUN's status in PHASE; unsent older statuses of the run are superseded (only the newest counts).
  void run_status(const pipeline::CommitStatusSettings& settings, const store::Run& run, RunPhase phase);
  // After a crash, for a run recover() marked interrupted: its last status, if it said
  // pending/running, is followed by a cancelled one.
  void run_interrupted(const store::Run& run);
  // DEPLOYMENT has ended: one row per entry of NOTIFY (its release's slipway.yml) that wants its
  // event; COMMIT is its release's.
  void deployment_ended(const store::Deployment& deployment,
                        const std::vector<pipeline::Notification>& notify, const std::string& commit);
  // Tells the worker to look: after a transaction that added rows has committed.
  void wake();

 private:
  void add(store::Delivery delivery);

  store::Store& store_;
  const util::SecretBox& secrets_;
  std::string base_url_;
  std::function<void()> wake_;
};

// What a log line or the API shows of a delivery's URL: scheme and host only (a Slack webhook's
// path is its secret).
std::string delivery_origin(const std::string& url);
// Where a delivery goes, for logs and the API: the origin, or which secret holds the URL.
std::string delivery_target(const store::Delivery& delivery);

}  // namespace slipway::scheduler
