// Fan-out of what happens to a run (state changes, log growth) to whoever
// follows it, e.g. Server-Sent Events streams. Handlers run on the event loop
// and must only note what changed; they read the details themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

namespace slipway::scheduler {

struct RunEvent {
  enum class Kind { run_changed, step_changed, log_grew };
  Kind kind;
  std::int64_t run_id;
  int position = -1;  // the step, for step_changed and log_grew
};

class RunEvents {
 public:
  using Handler = std::function<void(const RunEvent&)>;

 private:
  struct Handlers {
    std::map<std::int64_t, std::map<std::uint64_t, Handler>> by_run;
    std::uint64_t next_key = 1;
  };

 public:
  // Unsubscribes when destroyed; harmless if the hub is already gone (a
  // follower may outlive the scheduler while the daemon shuts down).
  class Subscription {
   public:
    Subscription() = default;
    Subscription(std::weak_ptr<Handlers> handlers, std::int64_t run_id, std::uint64_t key)
        : handlers_(std::move(handlers)), run_id_(run_id), key_(key) {}
    Subscription(Subscription&& other) noexcept = default;
    Subscription& operator=(Subscription&& other) noexcept {
      if (this != &other) {
        reset();
        handlers_ = std::move(other.handlers_);
        run_id_ = other.run_id_;
        key_ = other.key_;
      }
      return *this;
    }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }
    void reset();

   private:
    std::weak_ptr<Handlers> handlers_;
    std::int64_t run_id_ = 0;
    std::uint64_t key_ = 0;
  };

  Subscription subscribe(std::int64_t run_id, Handler handler);
  void publish(const RunEvent& event);
  std::size_t subscriber_count(std::int64_t run_id) const;

 private:
  std::shared_ptr<Handlers> handlers_ = std::make_shared<Handlers>();
};

}  // namespace slipway::scheduler
