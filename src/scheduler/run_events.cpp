#include "scheduler/run_events.h"

#include <utility>
#include <vector>

namespace slipway::scheduler {

void RunEvents::Subscription::reset() {
  auto handlers = handlers_.lock();
  handlers_.reset();
  if (!handlers) return;
  auto it = handlers->by_run.find(run_id_);
  if (it == handlers->by_run.end()) return;
  it->second.erase(key_);
  if (it->second.empty()) handlers->by_run.erase(it);
}

RunEvents::Subscription RunEvents::subscribe(std::int64_t run_id, Handler handler) {
  auto key = handlers_->next_key++;
  handlers_->by_run[run_id][key] = std::move(handler);
  return Subscription(handlers_, run_id, key);
}

void RunEvents::publish(const RunEvent& event) {
  auto it = handlers_->by_run.find(event.run_id);
  if (it == handlers_->by_run.end()) return;
  // A handler may unsubscribe (itself or others) while we iterate: walk a
  // copy of the keys and look each one up again.
  std::vector<std::uint64_t> keys;
  keys.reserve(it->second.size());
  for (const auto& [key, handler] : it->second) keys.push_back(key);
  for (auto key : keys) {
    auto run_it = handlers_->by_run.find(event.run_id);
    if (run_it == handlers_->by_run.end()) return;
    auto handler_it = run_it->second.find(key);
    if (handler_it == run_it->second.end()) continue;
    Handler handler = handler_it->second;
    handler(event);
  }
}

std::size_t RunEvents::subscriber_count(std::int64_t run_id) const {
  auto it = handlers_->by_run.find(run_id);
  return it == handlers_->by_run.end() ? 0 : it->second.size();
}

}  // namespace slipway::scheduler
