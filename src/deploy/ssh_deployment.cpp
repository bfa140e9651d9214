#include "deploy/ssh_deployment.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "deploy/health_check.h"
#include "deploy/release_directory.h"
#include "deploy/remote_command.h"
#include "deploy/host_activation.h"
#include "util/clock.h"
#include "util/crypto.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::deploy {

namespace {

using namespace std::chrono_literals;

// The host side is plain POSIX sh (plus GNU mv -T): every value arrives as
// "$1", "$2", ...; these scripts are the only code that runs there.
// $2: the id of the slipway binary the hosts should have ("": none needed).
constexpr const char* kPrepareScript = R"sh(set -e
root=$1
mkdir -p "$root/releases" "$root/shared" "$root/.slipway/releases" "$root/.slipway/bin"
cd "$root"
if [ -L current ]; then echo "current $(readlink current)"; fi
for d in releases/*; do if [ -d "$d" ]; then echo "release ${d#releases/}"; fi; done
if [ -n "$2" ] && [ -x ".slipway/bin/slipway-$2" ]; then echo "binary present"; fi
exit 0)sh";

// stdin: the env file (its size is $3), then the activation file. $4: the slipway binary's id
// ("": none), the one `.slipway/bin/slipway` points at from now on; older copies go.
constexpr const char* kInstallScript = R"sh(set -e
root=$1; name=$2; size=$3; binary=$4; shift 4
umask 077
dd bs=1 count="$size" of="$root/.slipway/releases/$name.env" 2>/dev/null
cat > "$root/.slipway/releases/$name.json"
umask 022
if [ -n "$binary" ]; then
  ln -sfn "slipway-$binary" "$root/.slipway/bin/slipway"
  for f in "$root"/.slipway/bin/slipway-*; do
    if [ "$f" != "$root/.slipway/bin/slipway-$binary" ]; then rm -f "$f"; fi
  done
fi
for entry in "$@"; do
  case "$entry" in
    */) entry=${entry%/}; mkdir -p "$root/shared/$entry" ;;
    *) mkdir -p "$(dirname "$root/shared/$entry")"; [ -e "$root/shared/$entry" ] || (umask 077; : > "$root/shared/$entry") ;;
  esac
  rm -rf "$root/releases/$name/$entry"
  mkdir -p "$(dirname "$root/releases/$name/$entry")"
  ln -s "$root/shared/$entry" "$root/releases/$name/$entry"
done)sh";

// COMMAND in DIR (the release's tree, or `current`) with release NAME's environment.
constexpr const char* kCommandScript = R"sh(set -e
root=$1; name=$2; dir=$3; command=$4
cd "$dir"
. "$root/.slipway/releases/$name.env"
exec sh -e -c "$command")sh";

constexpr const char* kSwitchScript = R"sh(set -e
cd "$1"
if [ -z "$2" ]; then rm -f current; exit 0; fi
ln -sfn "releases/$2" .current.tmp
mv -T .current.tmp current)sh";

constexpr const char* kPruneScript = R"sh(set -e
root=$1; shift
for name in "$@"; do
  rm -rf "$root/releases/$name" "$root/.slipway/releases/$name.env" "$root/.slipway/releases/$name.json"
done)sh";

// The number in "12-abc1234", or 0.
int release_number_of(const std::string& name) { return std::atoi(name.c_str()); }

std::string replace_all(std::string text, std::string_view from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A short id of the binary's contents (its copy on the hosts is named after it), computed
// once per file version: hashing a 100+ MB binary on every deployment would be noticeable.
std::string binary_id(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, std::string> ids;  // "path size mtime" -> id
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  const auto mtime = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
  const std::string key = file + " " + std::to_string(size) + " " + std::to_string(mtime);
  std::lock_guard lock(mutex);
  auto& id = ids[key];
  if (id.empty()) id = util::sha256_file_hex(file).substr(0, 16);
  return id;
}

}  // namespace

SshDeployment::SshDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                             const std::atomic<bool>& stopping)
    : DeploymentRun(services, store, std::move(deployment), stopping) {}

// `slipway host activate` waits for health, drains and stops the old processes.
std::chrono::milliseconds SshDeployment::activate_timeout() const {
  // Each web instance gets its own health wait.
  return environment_->health.timeout * std::max(1, web_instances_) + 2 * services_.settings.stop_grace + 60s;
}

std::string SshDeployment::binary_path() const { return root() + "/.slipway/bin/slipway-" + binary_id_; }

int SshDeployment::app_port() const { return environment_->port > 0 ? environment_->port : 8000; }

void SshDeployment::say(const std::string& line) {
  std::lock_guard lock(mutex_);
  log_->line(line);
}

void SshDeployment::say_output(const std::string& text) {
  if (text.empty()) return;
  std::lock_guard lock(mutex_);
  log_->output(text.back() == '\n' ? text : text + "\n");
}

void SshDeployment::record(Host& host, const std::string& status, const std::string& detail) {
  std::lock_guard lock(mutex_);
  host.record.status = status;
  host.record.detail = util::mask_secrets(detail, secrets_);
  store_.save_deployment_host(host.record);
}

void SshDeployment::on_each(const std::vector<Host*>& hosts, const std::function<void(Host&)>& work) {
  std::vector<std::string> failures(hosts.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        work(*hosts[i]);
      } catch (const DeployFailure& failure) {
        failures[i] = failure.reason;
      } catch (const DeployInterrupted&) {
        failures[i] = hosts[i]->ssh->label() + ": interrupted";
      } catch (const std::exception& e) {
        failures[i] = hosts[i]->ssh->label() + ": " + e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (stopping_) throw DeployInterrupted{};
  std::string reason;
  for (const auto& failure : failures) {
    if (failure.empty()) continue;
    reason += (reason.empty() ? "" : "; ") + failure;
  }
  if (!reason.empty()) throw DeployFailure(reason);
}

void SshDeployment::execute() {
  if (environment_->target != pipeline::Target::ssh) {
    throw DeployFailure(fmt::format("environment '{}' has target: {}, not ssh", deployment_.environment,
                                    pipeline::target_name(environment_->target)));
  }
  if (plan_.app.type == pipeline::AppType::dockerfile) {
    throw DeployFailure("the app is only a Dockerfile: deploy it with target: docker (or compose)");
  }
  release_name_ = release_dir_name(release_.number, release_.commit);
  identity_ = ensure_ssh_identity(services_.layout, project_.name);
  env_text_ = env_file();
  activation_text_ = activation_json();
  for (const auto& label : environment_->hosts) {
    auto address = pipeline::parse_host_address(label);
    if (!address) throw DeployFailure("host " + label + ": " + address.error());
    Host host;
    host.ssh = std::make_unique<SshHost>(label, *address, identity_);
    host.record.deployment_id = deployment_.id;
    host.record.host = label;
    hosts_.push_back(std::move(host));
  }
  std::vector<Host*> all;
  for (auto& host : hosts_) all.push_back(&host);
  for (auto* host : all) record(*host, "pending", "");

  if (supervised() && !plan_.app.processes.empty()) {
    std::error_code ec;
    local_binary_ = std::filesystem::read_symlink(services_.settings.self_binary, ec).string();
    if (ec || local_binary_.empty()) local_binary_ = services_.settings.self_binary;
    if (!std::filesystem::is_regular_file(local_binary_)) {
      throw DeployFailure("cannot copy slipway to the hosts: " + local_binary_ +
                          " is gone (was slipway upgraded? restart the daemon)");
    }
    binary_id_ = binary_id(local_binary_);
  }

  connect();
  say(fmt::format("delivering release {} to {} host(s) in {}", release_.number, hosts_.size(), root()));
  // Which hosts the store says hold this release already (re-delivery after an approval, a rollback).
  for (const auto& held : store_.list_host_releases(project_.id, deployment_.environment)) {
    for (auto& host : hosts_) host.recorded = host.recorded || (held.host == host.ssh->label() && held.release_id == release_.id);
  }
  on_each(all, [this](Host& host) { deliver(host); });
  if (environment_->manual_approval && deployment_.approved_by.empty() && deployment_.kind == "deploy") {
    say("approval: manual: release " + std::to_string(release_.number) +
        " is on every host, nothing switched; waiting until someone runs `slipway approve " + project_.name + " " +
        deployment_.environment + "`");
    park();
    return;
  }
  if (plan_.app.release_command && deployment_.kind != "rollback" && deployment_.kind != "scale") {
    run_release_command();
  }
  if (stopping_) throw DeployInterrupted{};

  const std::size_t batch = static_cast<std::size_t>(std::max(1, environment_->batch));
  for (std::size_t first = 0; first < all.size(); first += batch) {
    if (stopping_) throw DeployInterrupted{};
    std::vector<Host*> group(all.begin() + static_cast<long>(first),
                             all.begin() + static_cast<long>(std::min(all.size(), first + batch)));
    on_each(group, [this](Host& host) { activate(host); });
  }

  {
    std::lock_guard lock(mutex_);
    store_.set_live(live_record());
  }
  committed_ = true;  // from here on nothing is switched back, whatever happens
  say(fmt::format("release {} is live on {} host(s)", release_.number, hosts_.size()));
  try {
    on_each(all, [this](Host& host) { prune(host); });
  } catch (const DeployFailure& failure) {
    say("warning: pruning: " + failure.reason);
  } catch (const DeployInterrupted&) {
    say("warning: pruning was cut short: slipway is stopping");
  }
}

// Every host must answer (and show the key pinned for it) before anything is copied or switched.
void SshDeployment::connect() {
  std::vector<Host*> all;
  for (auto& host : hosts_) all.push_back(&host);
  const std::string known_before = util::read_file(identity_.known_hosts).value_or("");
  std::vector<std::string> unreachable;
  std::mutex unreachable_mutex;
  const std::string sockets = master_sockets_dir(services_.layout, project_.name);
  std::filesystem::create_directories(sockets);
  std::filesystem::permissions(sockets, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  on_each(all, [&](Host& host) {
    // One connection per host for the whole deployment: every later ssh and rsync shares it.
    const auto index = static_cast<std::size_t>(&host - hosts_.data());
    auto opened = host.ssh->open_master(fmt::format("{}/{}-{}", sockets, deployment_.id, index), 30s, &stopping_);
    if (!opened) {
      const bool key_changed = opened.error().find("host key has CHANGED") != std::string::npos;
      record(host, key_changed ? "failed" : "unreachable", opened.error());
      std::lock_guard lock(unreachable_mutex);
      unreachable.push_back(opened.error());
      return;
    }
    auto result = host.ssh->script(kPrepareScript, {root(), binary_id_}, 30s, &stopping_);
    if (!result.ok()) {
      auto why = host.ssh->describe_failure(result);
      record(host, result.exit_code == 255 ? "unreachable" : "failed", why);
      std::lock_guard lock(unreachable_mutex);
      unreachable.push_back(why);
      return;
    }
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("current ")) {
        auto target = line.substr(8);
        host.current = target.starts_with("releases/") ? target.substr(9) : target;
      } else if (line.starts_with("release ")) {
        host.releases.push_back(line.substr(8));
      } else if (line == "binary present") {
        host.binary_present = true;
      }
    }
  });
  if (!unreachable.empty()) {
    std::string reason = "nothing was switched: ";
    for (std::size_t i = 0; i < unreachable.size(); ++i) reason += (i ? "; " : "") + unreachable[i];
    throw DeployFailure(reason);
  }
  const std::string known_after = util::read_file(identity_.known_hosts).value_or("");
  if (known_after.size() > known_before.size()) {
    say("pinned the host key(s) seen for the first time:\n" + known_after.substr(known_before.size()));
  }
  for (const auto& host : hosts_) {
    say(fmt::format("{}: reachable, current release {}", host.ssh->label(),
                    host.current.empty() ? std::string("none") : host.current));
  }
}

void SshDeployment::deliver(Host& host) {
  const auto& ssh = *host.ssh;
  const std::string target = root() + "/releases/" + release_name_;
  const bool there = std::find(host.releases.begin(), host.releases.end(), release_name_) != host.releases.end();
  // This slipway's copy first: a release delivered by an older slipway needs it all the same.
  if (!binary_id_.empty() && !host.binary_present) {
    auto copied = ssh.rsync(local_binary_, binary_path(), "", timeout(), &stopping_);
    if (!copied.ok()) throw DeployFailure("copying slipway to " + ssh.describe_failure(copied));
    say(ssh.label() + ": installed slipway as " + binary_path());
  }
  const bool copy = !(there && host.recorded);
  // Against what the host runs now, else its newest release: unchanged files become hard links.
  std::string base = host.current;
  if (base.empty() || base == release_name_) {
    base.clear();
    for (const auto& name : host.releases) {
      if (name != release_name_ && release_number_of(name) > release_number_of(base)) base = name;
    }
  }
  const std::string link_dest = base.empty() ? "" : root() + "/releases/" + base;
  if (copy) {
    auto copied = ssh.rsync(release_.dir + "/", target + "/", link_dest, timeout(), &stopping_);
    if (stopping_) throw DeployInterrupted{};
    if (!copied.ok()) {
      record(host, "failed", "rsync: " + ssh.describe_failure(copied));
      throw DeployFailure("copying the release to " + ssh.describe_failure(copied));
    }
    host.record.bytes_sent = std::max(0LL, rsync_bytes_sent(copied.output));
  }
  // The env and activation files are written every time: a scale or a newer slipway changes them.

  std::vector<std::string> args = {root(), release_name_, std::to_string(env_text_.size()), binary_id_};
  args.insert(args.end(), environment_->shared.begin(), environment_->shared.end());
  auto installed = ssh.script(kInstallScript, args, 60s, &stopping_, env_text_ + activation_text_);
  if (!installed.ok()) {
    record(host, "failed", ssh.describe_failure(installed));
    throw DeployFailure("installing the release on " + ssh.describe_failure(installed));
  }
  if (copy) host.releases.push_back(release_name_);
  {
    std::lock_guard lock(mutex_);
    store_.record_host_release(project_.id, deployment_.environment, ssh.label(), release_.id, false);
  }
  if (!copy) {
    record(host, "delivered", "already on the host");
    return;
  }
  record(host, "delivered",
         fmt::format("{} bytes sent{}", host.record.bytes_sent, base.empty() ? "" : ", unchanged files linked to " + base));
  say(fmt::format("{}: release {} delivered ({} bytes sent)", ssh.label(), release_.number, host.record.bytes_sent));
}

void SshDeployment::run_release_command() {
  Host* chosen = &hosts_.front();
  for (auto& host : hosts_) {
    if (host.ssh->label() == environment_->release_host) chosen = &host;
  }
  const auto& command = *plan_.app.release_command;
  say("release command on " + chosen->ssh->label() + ": " + command);
  // Not cut short when slipway stops: killing ssh would not stop the command on the host.
  auto result = chosen->ssh->script(kCommandScript, {root(), release_name_, root() + "/releases/" + release_name_, command},
                                     timeout());
  say_output(result.output);
  if (stopping_) throw DeployInterrupted{};
  if (!result.ok()) throw DeployFailure("release command failed on " + chosen->ssh->describe_failure(result));
}

void SshDeployment::activate(Host& host) {
  const auto& ssh = *host.ssh;
  // Counted as switched before it is asked: should the answer be lost, switching back is harmless.
  host.switched = true;
  auto switched = ssh.script(kSwitchScript, {root(), release_name_}, 60s);
  if (!switched.ok()) {
    record(host, "failed", ssh.describe_failure(switched));
    throw DeployFailure("switching " + ssh.describe_failure(switched));
  }
  record(host, "switched", "current -> releases/" + release_name_);
  try {
    restart(host, release_name_);
    check_health(host, release_name_);
  } catch (const DeployFailure& failure) {
    record(host, "failed", failure.reason);
    throw;
  }
  // Recorded as the host's live release once it serves (a crash before leaves the old one recorded).
  {
    std::lock_guard lock(mutex_);
    store_.record_host_release(project_.id, deployment_.environment, ssh.label(), release_.id, true);
  }
  record(host, "healthy", "release " + std::to_string(release_.number) + " serving");
}

void SshDeployment::restart(Host& host, const std::string& name) {
  const auto& ssh = *host.ssh;
  util::CapturedResult result;
  if (!supervised()) {
    say(ssh.label() + ": restart: " + environment_->restart);
    result = ssh.script(kCommandScript, {root(), name, root() + "/current", environment_->restart}, timeout());
  } else if (plan_.app.processes.empty()) {
    say(ssh.label() + ": the release has no processes to run (a web server on the host serves " + root() +
        "/current)");
    return;
  } else {
    // Runs to its end on the host (slipway stopping or not): a second activation must not race it.
    result = ssh.run({binary_path(), "host", "activate", root(), name}, activate_timeout());
  }
  if (!result.output.empty()) say_output(ssh.label() + ": " + result.output);
  if (stopping_) throw DeployInterrupted{};
  if (!result.ok()) throw DeployFailure("restart failed on " + ssh.describe_failure(result));
}

void SshDeployment::check_health(Host& host, const std::string& name) {
  const auto& ssh = *host.ssh;
  const auto& health = environment_->health;
  auto stop_reason = [this]() -> std::optional<std::string> {
    if (stopping_) return std::string("slipway is stopping");
    return std::nullopt;
  };
  if (!health.command.empty()) {
    const auto deadline = std::chrono::steady_clock::now() + health.timeout;
    util::CapturedResult result;
    for (int attempt = 0;; ++attempt) {
      result = ssh.script(kCommandScript, {root(), name, root() + "/current", health.command}, 30s, &stopping_);
      if (result.ok() || stopping_ || std::chrono::steady_clock::now() >= deadline || result.exit_code == 255) break;
      std::this_thread::sleep_for(attempt < 10 ? 200ms : 1s);
    }
    if (stopping_) throw DeployInterrupted{};
    if (!result.ok()) throw DeployFailure("health check failed on " + ssh.describe_failure(result));
    say(ssh.label() + ": healthy (" + health.command + ")");
    return;
  }
  HealthProbe probe;
  std::string what;
  // `health: {path: /up}` means that path on the app's port of each host.
  const std::string url_template = !health.url.empty() ? health.url
                                   : !health.path.empty() ? "http://{host}:{port}" + health.path
                                                          : "";
  if (!url_template.empty()) {
    const bool v6 = ssh.address().host.find(':') != std::string::npos;
    std::string url = replace_all(url_template, "{host}", v6 ? "[" + ssh.address().host + "]" : ssh.address().host);
    url = replace_all(url, "{port}", std::to_string(app_port()));
    auto parsed = probe_for_url(url);
    if (!parsed) throw DeployFailure(ssh.label() + ": " + parsed.error());
    probe = *parsed;
    what = "GET " + url;
  } else if (supervised() && has_web_) {
    probe.host = ssh.address().host;
    probe.port = app_port();
    auto resolved = probe_for_url("http://" + (probe.host.find(':') != std::string::npos ? "[" + probe.host + "]" : probe.host) +
                                  ":" + std::to_string(probe.port) + "/");
    if (resolved) probe.host = resolved->host;
    what = fmt::format("a TCP connection to {}:{}", ssh.address().host, probe.port);
  } else {
    say(ssh.label() + ": no health check configured; the restart command succeeded");
    return;
  }
  auto result = wait_healthy(probe, health.timeout, stop_reason);
  if (stopping_) throw DeployInterrupted{};
  if (!result.healthy) throw DeployFailure("health check failed on " + ssh.label() + ": " + what + ": " + result.detail);
  say(ssh.label() + ": healthy: " + result.detail);
}

void SshDeployment::abandon() {
  if (committed_) return;
  std::vector<Host*> switched;
  for (auto& host : hosts_) {
    if (host.switched) switched.push_back(&host);
  }
  if (switched.empty()) return;
  say(fmt::format("switching {} host(s) back to their previous release", switched.size()));
  std::vector<std::thread> threads;
  for (auto* host : switched) {
    threads.emplace_back([this, host] {
      try {
        roll_back(*host);
      } catch (const std::exception& e) {
        say("warning: " + host->ssh->label() + ": could not switch back: " + e.what());
      }
    });
  }
  for (auto& thread : threads) thread.join();
}

void SshDeployment::roll_back(Host& host) {
  const auto& ssh = *host.ssh;
  // Not bound to this deployment's stop: the old version must come back even while slipway stops.
  auto switched = ssh.script(kSwitchScript, {root(), host.current}, 60s);
  if (!switched.ok()) throw util::Error(ssh.describe_failure(switched));
  host.switched = false;
  const std::string failed = host.record.status == "failed" ? host.record.detail + "; " : "";
  if (host.current.empty()) {
    if (supervised() && !binary_id_.empty()) ssh.run({binary_path(), "host", "stop", root()}, 120s);
    std::lock_guard lock(mutex_);
    store_.record_host_release(project_.id, deployment_.environment, ssh.label(), release_.id, false);
  } else {
    util::CapturedResult result;
    if (!supervised()) {
      result = ssh.script(kCommandScript, {root(), host.current, root() + "/current", environment_->restart}, timeout());
    } else if (!plan_.app.processes.empty()) {
      result = ssh.run({binary_path(), "host", "activate", root(), host.current}, activate_timeout());
    }
    if (!result.output.empty()) say_output(ssh.label() + ": " + result.output);
    if (!result.ok()) {
      // It may well still serve the new release: say so, and leave its records as they are.
      record(host, "failed", failed + "could not switch back to " + host.current + ": " + ssh.describe_failure(result));
      say("warning: " + ssh.label() + ": could not restart release " + host.current);
      return;
    }
    // Back means serving again: wait for it like for a new release, but a failure now only warns.
    try {
      check_health(host, host.current);
    } catch (const DeployFailure& failure) {
      say("warning: after switching back: " + failure.reason);
    } catch (const DeployInterrupted&) {
    }
    std::lock_guard lock(mutex_);
    for (const auto& held : store_.list_host_releases(project_.id, deployment_.environment)) {
      if (held.host == ssh.label() && held.release_number == release_number_of(host.current)) {
        store_.record_host_release(project_.id, deployment_.environment, ssh.label(), held.release_id, true);
      }
    }
  }
  record(host, "rolled_back", failed + "switched back to " + (host.current.empty() ? "nothing" : host.current));
  say(ssh.label() + ": switched back to " + (host.current.empty() ? std::string("nothing") : host.current));
}

// Keeps `keep` releases on the host, and always the live one and the one before it.
void SshDeployment::prune(Host& host) {
  std::vector<int> numbers;
  std::set<int> protected_numbers = {release_.number, release_number_of(host.current)};
  std::map<int, std::string> names;
  for (const auto& name : host.releases) {
    numbers.push_back(release_number_of(name));
    names[release_number_of(name)] = name;
  }
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  auto doomed = releases_to_prune(numbers, environment_->keep, protected_numbers);
  if (doomed.empty()) return;
  std::vector<std::string> args = {root()};
  for (int number : doomed) args.push_back(names[number]);
  auto result = host.ssh->script(kPruneScript, args, 120s);
  if (!result.ok()) throw util::Error(host.ssh->describe_failure(result));
  std::lock_guard lock(mutex_);
  for (const auto& held : store_.list_host_releases(project_.id, deployment_.environment)) {
    if (held.host == host.ssh->label() &&
        std::find(doomed.begin(), doomed.end(), held.release_number) != doomed.end()) {
      store_.remove_host_release(project_.id, deployment_.environment, held.host, held.release_id);
    }
  }
  log_->line(fmt::format("{}: pruned {} old release(s)", host.ssh->label(), doomed.size()));
}

// What the app sees on a host: no PATH of ours (the host has its own), HOST=0.0.0.0 so that a
// detected server listens beyond the host's loopback, the app's config last so that it wins.
std::vector<std::string> SshDeployment::app_env(bool with_port) const {
  std::vector<std::string> env = {"SLIPWAY_APP=" + project_.name, "SLIPWAY_ENVIRONMENT=" + deployment_.environment,
                                  "SLIPWAY_RELEASE=" + std::to_string(release_.number),
                                  "SLIPWAY_COMMIT=" + release_.commit, "PYTHONUNBUFFERED=1", "HOST=0.0.0.0"};
  if (plan_.app.type == pipeline::AppType::node) env.push_back("NODE_ENV=production");
  if (with_port) env.push_back("PORT=" + std::to_string(app_port()));
  env.insert(env.end(), config_env_.begin(), config_env_.end());
  return util::unique_environment(std::move(env));
}

// Sourced by the release, restart and health commands: `export KEY='value'` lines.
std::string SshDeployment::env_file() const {
  std::string out;
  for (const auto& entry : app_env(true)) {
    const auto equals = entry.find('=');
    out += "export " + entry.substr(0, equals) + "=" + shell_quote(entry.substr(equals + 1)) + "\n";
  }
  return out;
}

std::string SshDeployment::activation_json() {
  HostActivation activation;
  activation.release = release_name_;
  const auto formation = store_.formation(project_.id);
  for (const auto& process : plan_.app.processes) {
    auto wanted = formation.find(process.name);
    const int count = wanted == formation.end() ? 1 : wanted->second;
    activation.processes.push_back({process.name, process.command, count});
    if (process.name == "web") web_instances_ = count;
  }
  has_web_ = web_instances_ > 0;
  activation.port = app_port();
  activation.proxy = environment_->proxy;
  const auto& health = environment_->health;
  activation.health_path = health.path;
  if (activation.health_path.empty() && !health.url.empty()) {
    // The URL's path, checked on the host itself before its nginx switches.
    auto scheme = health.url.find("://");
    auto slash = health.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    activation.health_path = slash == std::string::npos ? "/" : health.url.substr(slash);
  }
  activation.health_timeout = health.timeout;
  activation.drain = environment_->drain;
  activation.env = app_env(false);  // each web instance gets its own PORT
  activation.masked = secrets_;
  activation.stop_grace = services_.settings.stop_grace;
  return to_json(activation);
}

}  // namespace slipway::deploy
