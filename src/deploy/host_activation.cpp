#include "deploy/host_activation.h"

#include <fcntl.h>
#include <sys/file.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "deploy/health_check.h"
#include "deploy/port_allocator.h"
#include "exec/instance_control.h"
#include "exec/instance_spec.h"
#include "proxy/nginx_proxy.h"
#include "util/captured_command.h"
#include "util/child_process.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::deploy {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string instances_root(const std::string& root) { return root + "/.slipway/instances"; }
std::string nginx_prefix(const std::string& root) { return root + "/.slipway/nginx"; }

// Every instance directory under ROOT (any release, any activation).
std::vector<std::string> instance_dirs(const std::string& root) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& activation : fs::directory_iterator(instances_root(root), ec)) {
    if (!activation.is_directory()) continue;
    for (const auto& instance : fs::directory_iterator(activation.path(), ec)) {
      if (fs::exists(exec::spec_path(instance.path().string()))) dirs.push_back(instance.path().string());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

// The login environment sshd gave us, without what describes the ssh session itself.
std::vector<std::string> login_environment() {
  auto env = util::our_environment();
  std::erase_if(env, [](const std::string& e) {
    return e.starts_with("SSH_") || e.starts_with("SLIPWAY_RUN=") || e.starts_with("SLIPWAY_STEP=");
  });
  return env;
}

// BASE with OVER's entries added, an entry of OVER winning over BASE's of the same name.
std::vector<std::string> merged(std::vector<std::string> base, const std::vector<std::string>& over) {
  base.insert(base.end(), over.begin(), over.end());
  return util::unique_environment(std::move(base));
}

// The PORT an instance was given, or 0.
int port_of(const std::string& instance_dir) {
  auto spec = exec::read_spec(instance_dir);
  if (!spec) return 0;
  for (const auto& entry : spec->env) {
    if (entry.starts_with("PORT=")) return std::atoi(entry.c_str() + 5);
  }
  return 0;
}

// One activation (or stop) per deploy path at a time: a deployment that gave up on a host
// (slipway stopping, a timeout) may have left one running there, and the next must wait for it.
util::Fd lock_deploy_path(const std::string& root) {
  fs::create_directories(root + "/.slipway");
  util::Fd fd = util::open_file(root + "/.slipway/activate.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  const auto deadline = std::chrono::steady_clock::now() + 10min;
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) util::throw_errno("flock " + root + "/.slipway/activate.lock");
    if (std::chrono::steady_clock::now() > deadline) throw util::Error("another activation holds " + root);
    std::this_thread::sleep_for(50ms);
  }
  return fd;
}

HostActivation load(const std::string& root, const std::string& name) {
  const std::string file = root + "/.slipway/releases/" + name + ".json";
  auto text = util::read_file(file);
  if (!text) throw util::Error("release " + name + " was not delivered to this host: no " + file);
  auto activation = activation_from_json(*text);
  if (!activation) throw util::Error(file + ": " + activation.error());
  if (!fs::is_directory(root + "/releases/" + name)) {
    throw util::Error("release " + name + " is not on this host: no " + root + "/releases/" + name);
  }
  return *activation;
}

// Every instance under ROOT and the private nginx; the caller holds the deploy path lock.
void stop_everything(const std::string& root, std::chrono::milliseconds grace) {
  const auto dirs = instance_dirs(root);
  exec::stop_instances(dirs, grace + 5s);
  std::error_code ec;
  for (const auto& dir : dirs) fs::remove_all(dir, ec);
  for (const auto& activation : fs::directory_iterator(instances_root(root), ec)) {
    fs::remove(activation.path(), ec);  // only when empty
  }
  if (fs::exists(nginx_prefix(root))) {
    proxy::ProxySettings settings;
    settings.prefix = nginx_prefix(root);
    if (auto nginx = proxy::NginxProxy::open(settings); nginx && nginx->master_pid()) nginx->stop();
  }
}

struct Started {
  std::string dir;
  std::string name;  // web.1
  int port = 0;
};

class Activation {
 public:
  Activation(std::string self_binary, std::string root, std::string name, HostActivation activation)
      : self_(std::move(self_binary)), root_(std::move(root)), name_(std::move(name)), a_(std::move(activation)) {}

  std::vector<std::string> run() {
    const bool has_web = std::any_of(a_.processes.begin(), a_.processes.end(),
                                     [](const HostProcess& p) { return p.name == "web" && p.count > 0; });
    auto nginx = a_.proxy == "none" || !has_web || a_.port <= 0 ? util::Expected<proxy::NginxProxy>(util::unexpected("off"))
                                                                : open_nginx();
    if (a_.proxy == "nginx" && !nginx) throw util::Error("proxy: nginx asked for, but " + nginx.error());
    const auto old = instance_dirs(root_);
    if (!nginx) {
      // The port is the app's own: the old processes make room first.
      stop_everything(root_, a_.stop_grace);
      start_or_clean_up(false);
      lines_.push_back(has_web ? fmt::format("restarted on port {} (no nginx on this host: a short gap)", a_.port)
                               : std::string("restarted"));
      return lines_;
    }
    start_or_clean_up(true);
    try {
      wait_healthy();
    } catch (...) {
      stop_started();
      throw;
    }
    std::vector<proxy::Site> sites(1);
    sites[0].app = "app";
    sites[0].environment = "host";
    sites[0].any_host = true;
    for (const auto& s : started_) {
      if (s.port > 0) sites[0].upstream_ports.push_back(s.port);
    }
    if (nginx->master_pid()) {
      if (auto applied = nginx->apply(sites); !applied) {
        stop_started();
        throw util::Error("nginx refused the new configuration: " + applied.error());
      }
    } else {
      // The first time (or after a host without nginx): whatever holds the port goes first.
      exec::stop_instances(old, a_.stop_grace + 5s);
      remove_dirs(old);
      try {
        nginx->start(sites);
      } catch (const std::exception& e) {
        // Serving matters more than the proxy: run the release on the port itself.
        stop_started();
        started_.clear();
        start_or_clean_up(false);
        lines_.push_back(std::string("nginx did not start (") + e.what() + "); running on port " +
                         std::to_string(a_.port) + " without it");
        return lines_;
      }
    }
    lines_.push_back(fmt::format("nginx on port {} switched to release {}", a_.port, name_));
    if (!old.empty()) {
      // The old processes finish their requests while the deployment goes on to the next host.
      retire_later(old);
      lines_.push_back(fmt::format("{} old instance(s) stop in {} ms", old.size(), a_.drain.count()));
    }
    return lines_;
  }

 private:
  util::Expected<proxy::NginxProxy> open_nginx() {
    proxy::ProxySettings settings;
    settings.prefix = nginx_prefix(root_);
    settings.listen = "0.0.0.0:" + std::to_string(a_.port);
    return proxy::NginxProxy::open(settings);
  }

  // start(), and should a launch fail halfway, the instances it did start are stopped again.
  void start_or_clean_up(bool behind_nginx) {
    try {
      start(behind_nginx);
    } catch (...) {
      stop_started();
      throw;
    }
  }

  void start(bool behind_nginx) {
    fs::create_directories(root_ + "/logs");
    const auto base = login_environment();
    std::set<int> ports_in_use;
    for (const auto& dir : instance_dirs(root_)) ports_in_use.insert(port_of(dir));
    ports_in_use.insert(a_.port);
    const std::string activation_dir =
        instances_root(root_) + "/" + name_ + "." + std::to_string(util::now_ms());
    for (const auto& process : a_.processes) {
      for (int index = 1; index <= process.count; ++index) {
        Started s;
        s.name = process.name + "." + std::to_string(index);
        s.dir = activation_dir + "/" + s.name;
        fs::create_directories(s.dir);
        std::vector<std::string> own = a_.env;
        if (process.name == "web" && a_.port > 0) {
          s.port = behind_nginx ? free_loopback_port(ports_in_use) : a_.port + index - 1;
          ports_in_use.insert(s.port);
          own.push_back("PORT=" + std::to_string(s.port));
          if (behind_nginx) own.push_back("HOST=127.0.0.1");  // only nginx faces the network
        }
        exec::InstanceSpec spec;
        spec.name = s.name;
        spec.argv = {"/bin/sh", "-c", process.command};
        spec.env = merged(base, own);
        spec.cwd = root_ + "/releases/" + name_;
        spec.log_path = root_ + "/logs/" + process.name + ".log";
        spec.masked = a_.masked;
        spec.stop_grace = a_.stop_grace;
        exec::write_spec(s.dir, spec);
        started_.push_back(s);
        auto handle = exec::launch_supervisor(self_, s.dir);
        lines_.push_back(fmt::format("{} started{} (supervisor pid {})", s.name,
                                     s.port > 0 ? " on port " + std::to_string(s.port) : "", handle.pid));
      }
    }
  }

  // Throws when one is not healthy in time; the caller stops what was started.
  void wait_healthy() {
    for (const auto& s : started_) {
      if (s.port <= 0) continue;
      HealthProbe probe;
      probe.port = s.port;
      probe.path = a_.health_path;
      auto stop_reason = [&]() -> std::optional<std::string> {
        auto state = exec::read_state(s.dir);
        if (state && (state->status == exec::InstanceStatus::crashed || state->status == exec::InstanceStatus::backoff)) {
          return s.name + " exited (" + state->last_exit + ")";
        }
        return std::nullopt;
      };
      auto result = deploy::wait_healthy(probe, a_.health_timeout, stop_reason);
      if (!result.healthy) {
        throw util::Error(fmt::format("{} of {} is not healthy on the host: {}; the old release keeps serving",
                                      s.name, name_, result.detail));
      }
      lines_.push_back(s.name + " healthy: " + result.detail);
    }
  }

  // `slipway host retire`, in a session of its own: it outlives this command and the ssh session.
  void retire_later(const std::vector<std::string>& dirs) {
    util::Fd log = util::open_file(root_ + "/logs/slipway-host.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    util::SpawnOptions options;
    options.argv = {self_, "host", "retire", root_, "--drain-ms", std::to_string(a_.drain.count()), "--grace-ms",
                    std::to_string(a_.stop_grace.count())};
    options.argv.insert(options.argv.end(), dirs.begin(), dirs.end());
    options.env = login_environment();
    options.stdout_fd = log.get();
    options.new_session = true;
    util::ChildProcess::spawn(options).release();
  }

  void stop_started() {
    std::vector<std::string> dirs;
    for (const auto& s : started_) dirs.push_back(s.dir);
    exec::stop_instances(dirs, a_.stop_grace + 5s);
    remove_dirs(dirs);
  }

  static void remove_dirs(const std::vector<std::string>& dirs) {
    std::error_code ec;
    for (const auto& dir : dirs) {
      fs::remove_all(dir, ec);
      fs::remove(fs::path(dir).parent_path(), ec);  // the activation's directory, once empty
    }
  }

  std::string self_;
  std::string root_;
  std::string name_;
  HostActivation a_;
  std::vector<Started> started_;
  std::vector<std::string> lines_;
};

}  // namespace

std::string to_json(const HostActivation& a) {
  nlohmann::json processes = nlohmann::json::array();
  for (const auto& p : a.processes) processes.push_back({{"name", p.name}, {"command", p.command}, {"count", p.count}});
  nlohmann::json json = {{"release", a.release},
                         {"processes", processes},
                         {"port", a.port},
                         {"proxy", a.proxy},
                         {"health_path", a.health_path},
                         {"health_timeout_ms", a.health_timeout.count()},
                         {"drain_ms", a.drain.count()},
                         {"env", a.env},
                         {"masked", a.masked},
                         {"stop_grace_ms", a.stop_grace.count()}};
  return json.dump();
}

util::Expected<HostActivation> activation_from_json(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return util::unexpected("the activation file is not a JSON object");
  try {
    HostActivation a;
    a.release = json.at("release").get<std::string>();
    for (const auto& p : json.at("processes")) {
      a.processes.push_back({p.at("name").get<std::string>(), p.at("command").get<std::string>(), p.at("count").get<int>()});
    }
    a.port = json.value("port", 0);
    a.proxy = json.value("proxy", "auto");
    a.health_path = json.value("health_path", "");
    a.health_timeout = std::chrono::milliseconds(json.value("health_timeout_ms", 30000));
    a.drain = std::chrono::milliseconds(json.value("drain_ms", 2000));
    a.env = json.value("env", std::vector<std::string>{});
    a.masked = json.value("masked", std::vector<std::string>{});
    a.stop_grace = std::chrono::milliseconds(json.value("stop_grace_ms", 10000));
    return a;
  } catch (const nlohmann::json::exception& e) {
    return util::unexpected(std::string("the activation file is incomplete: ") + e.what());
  }
}

std::vector<std::string> activate_on_host(const std::string& self_binary, const std::string& root,
                                          const std::string& name) {
  auto lock = lock_deploy_path(root);
  return Activation(self_binary, root, name, load(root, name)).run();
}

void retire_on_host(const std::string& root, const std::vector<std::string>& dirs, std::chrono::milliseconds drain,
                    std::chrono::milliseconds grace) {
  const std::string instances = fs::weakly_canonical(instances_root(root)).string() + "/";
  std::vector<std::string> mine;
  for (const auto& dir : dirs) {
    // Only instance directories of this deploy path.
    if (fs::weakly_canonical(dir).string().rfind(instances, 0) == 0 && fs::exists(exec::spec_path(dir))) {
      mine.push_back(dir);
    }
  }
  std::this_thread::sleep_for(drain);
  exec::stop_instances(mine, grace + 5s);
  std::error_code ec;
  for (const auto& dir : mine) {
    fs::remove_all(dir, ec);
    fs::remove(fs::path(dir).parent_path(), ec);  // the activation's directory, once empty
  }
}

void stop_on_host(const std::string& root, std::chrono::milliseconds grace) {
  auto lock = lock_deploy_path(root);
  stop_everything(root, grace);
}


std::vector<std::string> status_on_host(const std::string& root) {
  std::vector<std::string> lines;
  for (const auto& dir : instance_dirs(root)) {
    auto spec = exec::read_spec(dir);
    auto state = exec::read_state(dir);
    std::string line = (spec ? spec->name : dir) + " ";
    if (!state) {
      line += "unknown";
    } else {
      const bool alive = exec::supervisor_alive(exec::recorded_supervisor(dir));
      line += std::string(alive ? exec::to_string(state->status) : "stopped") + " pid " + std::to_string(state->pid) +
              " restarts " + std::to_string(state->restarts);
    }
    if (int port = port_of(dir); port > 0) line += " port " + std::to_string(port);
    lines.push_back(line);
  }
  return lines;
}

}  // namespace slipway::deploy
