// Deployments over SSH (docs/benchmarks.md): three hosts in network namespaces, each
// with its own sshd (needs root):
//  i) a 50 MB app to 3 hosts, first and incremental (restart in place, behind nginx), vs rsync by hand
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_common.h"
#include "cli/human_format.h"
#include "measures.h"
#include "sample_app.h"
#include "ssh_hosts.h"
#include "util/child_process.h"
#include "util/strings.h"

namespace slipway::bench {

namespace fs = std::filesystem;
using namespace slipway::testing;

namespace {

// The app of the end-to-end tests (tests/support/sample_app.h).
constexpr const char* kGunicornApp = testing::kSampleApp;

// The sample app's process, bound to HOST (0.0.0.0 on a host) so that the daemon can check it from outside.
constexpr const char* kSshProcfile =
    "web: exec gunicorn --bind ${HOST:-127.0.0.1}:$PORT --workers 1 --graceful-timeout 2 app:app\n";

// Releases kept on each host (the default).
constexpr int kSshKeep = 5;

// PROXY empty: the default (an nginx in front on each host when one is installed); "none":
// `host activate` stops the old gunicorn and starts the new one on the app's port.
std::string ssh_pipeline(const SshHosts& hosts, const std::string& proxy) {
  std::string list;
  for (const auto& host : hosts.hosts()) list += (list.empty() ? "root@" : ", root@") + host.address;
  return "steps:\n"
         "  test:\n"
         "    run: python3 -c 'import app'\n"
         "deploy:\n"
         "  production:\n"
         "    target: ssh\n"
         "    hosts: [" + list + "]\n"
         "    path: " + hosts.mount_point() + "/app\n"
         "    port: 8000\n"
         "    batch: 1\n"
         "    keep: " + std::to_string(kSshKeep) + "\n" +
         (proxy.empty() ? "" : "    proxy: " + proxy + "\n") +
         "    health: {url: 'http://{host}:{port}/healthz', timeout: 20s}\n";
}

// COUNT files data/NNN.bin of SIZE random (incompressible) bytes, the same on every run.
std::map<std::string, std::string> random_files(int count, std::size_t size) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < count; ++i) {
    std::mt19937_64 generator(static_cast<std::uint64_t>(i) + 1);
    std::string bytes(size, '\0');
    for (std::size_t at = 0; at + sizeof(std::uint64_t) <= size; at += sizeof(std::uint64_t)) {
      const std::uint64_t word = generator();
      std::memcpy(bytes.data() + at, &word, sizeof word);
    }
    files[fmt::format("data/{:03}.bin", i)] = std::move(bytes);
  }
  return files;
}

// "Total bytes sent: 52,459,231" from rsync --stats; -1 when absent.
long long total_bytes_sent(const std::string& output) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex(R"(Total bytes sent: ([\d,.]+))"))) return -1;
  std::string digits;
  for (char c : m[1].str()) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return std::stoll(digits);
}

// ssh as rsync runs it by hand: APP's own key and the host keys the daemon pinned.
std::vector<std::string> hand_ssh(const std::string& home, const std::string& app) {
  const std::string dir = home + "/ssh/" + app;
  return {"ssh", "-F", "none", "-i", dir + "/id_ed25519", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
          "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + dir + "/known_hosts",
          "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"};
}

// The same as one --rsh value: rsync splits it itself, honouring single quotes.
std::string rsh_value(const std::vector<std::string>& ssh) {
  std::string out;
  for (const auto& word : ssh) out += (out.empty() ? "'" : " '") + word + "'";
  return out;
}

struct RsyncByHand {
  double ms = 0;
  long long bytes = 0;
};

// rsync -a --stats OPTIONS SOURCE/ to REMOTE_PATH/ on every host, one after the other.
RsyncByHand rsync_to_each(const SshHosts& hosts, const std::string& rsh, const std::vector<std::string>& options,
                          const std::string& source, const std::string& remote_path) {
  RsyncByHand total;
  for (const auto& host : hosts.hosts()) {
    std::vector<std::string> argv = {"rsync", "-a", "--stats", "--rsh=" + rsh};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"--", source + "/", "root@" + host.address + ":" + remote_path + "/"});
    const auto start = Clock::now();
    auto result = run_command(argv, "", {}, std::chrono::seconds(300));
    total.ms += ms_since(start);
    if (result.exit_code != 0) throw std::runtime_error("rsync to " + host.address + ": " + result.output);
    total.bytes += total_bytes_sent(result.output);
  }
  return total;
}

// One SSH deployment: its times from the API, its deployment log and the hosts' web.log
// (all ms since the epoch, from this machine's clock; 0 when absent).
struct SshPhases {
  std::int64_t pushed = 0, started = 0, connected = 0, installed = 0, delivered = 0, live = 0, finished = 0;
  long long bytes = 0;
  struct Host {
    std::int64_t stopping = 0;  // the old instance was told to stop (web.log)
    std::int64_t launched = 0;  // the new instance's supervisor started gunicorn (web.log)
    std::int64_t booted = 0;    // gunicorn's worker imported the new app (web.log)
    std::int64_t healthy = 0;   // the daemon saw /healthz answer (deployment log)
  };
  std::vector<Host> hosts;
};

std::int64_t line_stamp(const std::string& line, std::size_t end) {
  if (end == std::string::npos) return 0;
  return cli::parse_timestamp(line.substr(0, end)).value_or(0);
}

SshPhases ssh_phases_of(Bench& bench, const SshHosts& hosts, const nlohmann::json& deployment, std::int64_t pushed) {
  SshPhases p;
  p.pushed = pushed;
  p.started = stamp(deployment["started_at"]);
  p.finished = stamp(deployment["finished_at"]);
  for (const auto& host : deployment["hosts"]) p.bytes += host["bytes_sent"].get<long long>();
  p.hosts.resize(hosts.hosts().size());
  auto log = bench.deployment_log(deployment);
  for (const auto& line : util::split(log, '\n')) {
    const auto gap = line.find("  ");
    const auto at = line_stamp(line, gap);
    if (at == 0) continue;  // the output of a command on a host: not time-stamped
    const std::string text = line.substr(gap + 2);
    if (text.find(": reachable, current release ") != std::string::npos) p.connected = at;
    if (text.find(": installed slipway as ") != std::string::npos) p.installed = at;
    if (text.find(" delivered (") != std::string::npos) p.delivered = at;
    if (text.find(" is live on ") != std::string::npos) p.live = at;
    for (std::size_t i = 0; i < hosts.hosts().size(); ++i) {
      if (text.rfind("root@" + hosts.hosts()[i].address + ": healthy", 0) == 0) p.hosts[i].healthy = at;
    }
  }
  for (std::size_t i = 0; i < hosts.hosts().size(); ++i) {
    auto& h = p.hosts[i];
    for (const auto& line : util::split(read_file(hosts.hosts()[i].root + "/app/logs/web.log"), '\n')) {
      const auto at = line_stamp(line, line.find(' '));
      if (at < p.started || at > p.finished) continue;
      if (line.find("| [slipway] stopping") != std::string::npos && h.stopping == 0) h.stopping = at;
      if (line.find("| [slipway] started pid") != std::string::npos && h.launched == 0) h.launched = at;
      if (line.find("| starting version") != std::string::npos && h.booted == 0) h.booted = at;
    }
  }
  return p;
}

double span(std::int64_t from, std::int64_t to) { return from > 0 && to > 0 ? static_cast<double>(to - from) : -1; }

// Where one host's turn went: from the end of the previous host's (or of delivery) to healthy.
// `slipway host activate` either stops the old gunicorn and then starts the new one on the
// app's port, or (behind an nginx on the host) starts the new one first and stops the old
// one after switching nginx and draining.
struct HostTurn {
  double to_launch = 0;    // switch and `host activate` over ssh, until the new gunicorn is started
  double stop_first = 0;   // ...of which stopping the old gunicorn, when that comes first
  double boot = 0;         // gunicorn's start until its worker has imported the app
  double to_stop_old = 0;  // until the old gunicorn is told to stop, when that comes after
  double to_healthy = 0;   // until the daemon saw /healthz answer
};

std::vector<HostTurn> turns_of(const SshPhases& p) {
  std::vector<HostTurn> turns;
  std::int64_t begin = p.delivered;
  for (const auto& h : p.hosts) {
    HostTurn turn;
    const bool stops_first = h.stopping > 0 && h.stopping < h.launched;
    const bool stops_after = h.stopping > 0 && h.stopping >= h.booted;
    turn.to_launch = span(begin, h.launched);
    turn.stop_first = stops_first ? span(h.stopping, h.launched) : 0;
    turn.boot = span(h.launched, h.booted);
    turn.to_stop_old = stops_after ? span(h.booted, h.stopping) : 0;
    turn.to_healthy = span(stops_after ? h.stopping : h.booted, h.healthy);
    turns.push_back(turn);
    begin = h.healthy;
  }
  return turns;
}

double median_over(const std::vector<SshPhases>& all, const std::function<double(const SshPhases&)>& value) {
  std::vector<double> values;
  for (const auto& p : all) values.push_back(value(p));
  return percentile(values, 50);
}

// The median, over deployments and hosts, of one part of a host's turn.
double median_turn(const std::vector<SshPhases>& all, double HostTurn::*part) {
  std::vector<double> values;
  for (const auto& p : all) {
    for (const auto& turn : turns_of(p)) values.push_back(turn.*part);
  }
  return percentile(values, 50);
}

std::string mb(long long bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

// Pushes the work repository of "shop" and waits for the deployment of the COUNT-th push.
SshPhases ssh_push_and_deploy(Bench& bench, const SshHosts& hosts, std::size_t count) {
  const auto pushed = wall_ms();
  bench.push("shop");
  auto deployment = bench.wait_deployments("shop", count, std::chrono::seconds(600));
  if (deployment["status"] != "success") {
    const auto log = bench.deployment_log(deployment);
    throw std::runtime_error("ssh deploy failed: " + deployment.dump() + "\n" + log);
  }
  return ssh_phases_of(bench, hosts, deployment, pushed);
}

// `ssh HOST true` COUNT times over the hosts in turn, each a new connection: milliseconds each.
std::vector<double> ssh_round_trips(const SshHosts& hosts, const std::vector<std::string>& ssh,
                                    const std::vector<std::string>& options, int count) {
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    const auto& host = hosts.hosts()[static_cast<std::size_t>(i) % hosts.hosts().size()];
    auto argv = ssh;
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"root@" + host.address, "true"});
    const auto start = Clock::now();
    auto result = run_command(argv);
    times.push_back(ms_since(start));
    if (result.exit_code != 0) throw std::runtime_error("ssh " + host.address + ": " + result.output);
  }
  return times;
}

// The same over one connection to the first host, opened beforehand by a master ssh of ours
// (ControlMaster), as a deployment could keep one per host; the master is stopped by PID.
std::vector<double> shared_connection_round_trips(const SshHosts& hosts, const std::vector<std::string>& ssh,
                                                  const std::string& dir, int count) {
  const std::string destination = "root@" + hosts.hosts().front().address;
  const std::vector<std::string> control = {"-o", "ControlPath=" + dir + "/ssh-master"};
  util::SpawnOptions options;
  options.argv = ssh;
  options.argv.insert(options.argv.end(), control.begin(), control.end());
  options.argv.insert(options.argv.end(), {"-M", "-N", destination});
  options.env = {"PATH=/usr/bin:/bin", "HOME=" + dir};
  auto master = util::ChildProcess::spawn(options);
  auto over_master = ssh;
  over_master.insert(over_master.end(), control.begin(), control.end());
  over_master.insert(over_master.end(), {"-o", "ControlMaster=no"});
  auto check = over_master;
  check.insert(check.end(), {"-O", "check", destination});
  bool up = false;
  for (int i = 0; i < 200 && !up && !master.try_reap(); ++i) {
    up = run_command(check).exit_code == 0;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<double> times;
  for (int i = 0; up && i < count; ++i) {
    auto argv = over_master;
    argv.insert(argv.end(), {destination, "true"});
    const auto start = Clock::now();
    auto result = run_command(argv);
    times.push_back(ms_since(start));
    if (result.exit_code != 0) throw std::runtime_error("ssh over the master: " + result.output);
  }
  if (master.running()) {
    master.signal_group(SIGTERM);
    master.wait();
  }
  if (!up) throw std::runtime_error("the master ssh connection did not come up");
  return times;
}

// Pushes a new VERSION COUNT times; returns the deployments.
std::vector<SshPhases> incremental_deploys(Bench& bench, const SshHosts& hosts, int count, std::size_t& pushes) {
  std::vector<SshPhases> deploys;
  for (int i = 0; i < count; ++i) {
    ++pushes;
    bench.commit("shop", {{"VERSION", std::to_string(pushes)}});
    deploys.push_back(ssh_push_and_deploy(bench, hosts, pushes));
  }
  return deploys;
}

// The rows of COUNT incremental deploys in one mode, against rsync by hand of the same change.
void incremental_rows(const std::string& what, const std::vector<SshPhases>& deploys, double plain_ms,
                      double linked_ms) {
  std::vector<double> times;
  for (const auto& p : deploys) times.push_back(span(p.started, p.finished));
  const double median = percentile(times, 50);
  rows.push_back({fmt::format("(i) {}: incremental deploy, VERSION changed, {} deploys: started -> finished, median",
                              what, deploys.size()),
                  fmt::format("{:.0f} ms (min {:.0f}, max {:.0f}), {:.0f} bytes sent", median, percentile(times, 0),
                              percentile(times, 100),
                              median_over(deploys, [](const SshPhases& p) { return static_cast<double>(p.bytes); })),
                  ""});
  const double push_to_live = median_over(deploys, [](const SshPhases& p) { return span(p.pushed, p.live); });
  rows.push_back({"(i) same: git push -> live, median", fmt::format("{:.0f} ms", push_to_live), ""});
  rows.push_back({"(i) same: connect / rsync (3 hosts at once) / 3 host turns / live -> end, medians",
                  fmt::format("{:.0f} / {:.0f} / {:.0f} / {:.0f} ms",
                              median_over(deploys, [](const SshPhases& p) { return span(p.started, p.connected); }),
                              median_over(deploys, [](const SshPhases& p) { return span(p.connected, p.delivered); }),
                              median_over(deploys, [](const SshPhases& p) { return span(p.delivered, p.live); }),
                              median_over(deploys, [](const SshPhases& p) { return span(p.live, p.finished); })),
                  ""});
  rows.push_back({"(i) same: one host's turn: switch+activate until gunicorn starts (of which stopping the old) "
                  "/ boot / until the old is stopped after / until the daemon sees it healthy",
                  fmt::format("{:.0f} ({:.0f}) + {:.0f} + {:.0f} + {:.0f} ms",
                              median_turn(deploys, &HostTurn::to_launch), median_turn(deploys, &HostTurn::stop_first),
                              median_turn(deploys, &HostTurn::boot), median_turn(deploys, &HostTurn::to_stop_old),
                              median_turn(deploys, &HostTurn::to_healthy)),
                  ""});
  rows.push_back({"(i) same: overhead beyond rsync (deploy - rsync -a by hand / - slipway-flag rsync)",
                  fmt::format("{:.0f} / {:.0f} ms", median - plain_ms, median - linked_ms), "<= 1 s"});
}

}  // namespace

// One daemon and three hosts: the first deploy and (after a few more, so that old releases
// are pruned as in steady state) incremental ones restarting in place (`proxy: none`), then
// incremental ones behind an nginx on each host (the default when nginx is installed, as it
// is here), then rsync and ssh by hand to the same hosts.
void bench_ssh_deploys(int incremental) {
  const std::string what = "(i) deploy of a 50 MB app to 3 hosts over ssh";
  if (::geteuid() != 0) {
    rows.push_back({what, "not measured: needs root (network namespaces)", ""});
    return;
  }
  if (!find_in_path("gunicorn") || !find_in_path("rsync")) {
    rows.push_back({what, "not measured: gunicorn or rsync is not installed", ""});
    return;
  }
  Bench bench;
  auto created = SshHosts::create(3, bench.root_ + "/hosts");
  if (!created) {
    rows.push_back({what, "not measured: " + created.error(), ""});
    return;
  }
  std::unique_ptr<SshHosts> hosts = std::move(*created);
  try {
    bench.start();
    bench.api("POST", "/projects", {{"name", "shop"}});
    auto key = bench.api("GET", "/apps/shop/ssh-key");
    if (key.status != 200) throw std::runtime_error("ssh-key: " + key.body);
    hosts->authorize(key.json()["public_key"].get<std::string>());

    auto files = random_files(200, 256 * 1024);
    files.insert({{"app.py", kGunicornApp}, {"Procfile", kSshProcfile}, {"slipway.yml", ssh_pipeline(*hosts, "none")},
                  {"VERSION", "1"}});
    bench.commit("shop", files);
    std::size_t pushes = 1;
    const auto first = ssh_push_and_deploy(bench, *hosts, pushes);
    // Until each host holds `keep` releases: from then on every deploy also prunes one, as it
    // does for an app that has been deployed for a while.
    incremental_deploys(bench, *hosts, kSshKeep - 1, pushes);
    const auto in_place = incremental_deploys(bench, *hosts, incremental, pushes);
    // The first deploy behind nginx replaces the processes on the app's port: not counted.
    ++pushes;
    bench.commit("shop", {{"VERSION", std::to_string(pushes)}, {"slipway.yml", ssh_pipeline(*hosts, "")}});
    ssh_push_and_deploy(bench, *hosts, pushes);
    const auto behind_nginx = incremental_deploys(bench, *hosts, incremental, pushes);
    const std::string wanted = fmt::format("version {} release {}\n", pushes, pushes);
    for (const auto& host : hosts->hosts()) {
      auto served = http_request("GET", "http://" + host.address + ":8000", "/");
      if (served.body != wanted) throw std::runtime_error(host.address + " serves " + served.body);
    }

    // By hand: a copy of the newest release tree (cp -a keeps its mtimes), to every host in turn.
    std::string release_dir;
    for (const auto& entry : fs::directory_iterator(bench.home_ + "/releases/shop")) {
      if (entry.path().filename().string().rfind(std::to_string(pushes) + "-", 0) == 0) {
        release_dir = entry.path().string();
      }
    }
    if (release_dir.empty()) throw std::runtime_error("no release directory under " + bench.home_ + "/releases/shop");
    const std::string tree = bench.root_ + "/hand-tree";
    auto copied = run_command({"cp", "-a", release_dir, tree});
    if (copied.exit_code != 0) throw std::runtime_error("cp: " + copied.output);
    const auto ssh = hand_ssh(bench.home_, "shop");
    const std::string rsh = rsh_value(ssh);
    const std::string remote = hosts->mount_point() + "/hand";
    for (const auto& host : hosts->hosts()) fs::create_directories(host.root + "/hand/linked");
    const std::vector<std::string> as_slipway = {"--no-times", "--checksum", "--delete", "--protect-args"};
    const auto plain_first = rsync_to_each(*hosts, rsh, {}, tree, remote + "/plain");
    const auto linked_first = rsync_to_each(*hosts, rsh, as_slipway, tree, remote + "/linked/0");
    std::vector<double> plain_ms, linked_ms;
    long long plain_bytes = 0, linked_bytes = 0;
    for (int i = 1; i <= incremental; ++i) {
      write_file(tree + "/VERSION", fmt::format("by hand {}\n", i));
      auto plain = rsync_to_each(*hosts, rsh, {}, tree, remote + "/plain");
      auto options = as_slipway;
      options.push_back(fmt::format("--link-dest={}/linked/{}", remote, i - 1));
      auto linked = rsync_to_each(*hosts, rsh, options, tree, fmt::format("{}/linked/{}", remote, i));
      plain_ms.push_back(plain.ms);
      linked_ms.push_back(linked.ms);
      plain_bytes = std::max(plain_bytes, plain.bytes);
      linked_bytes = std::max(linked_bytes, linked.bytes);
    }
    // What each of the deployment's ssh connections costs, and what it would over a shared one.
    const auto fresh = ssh_round_trips(*hosts, ssh, {}, 10);
    const auto classic = ssh_round_trips(*hosts, ssh, {"-o", "KexAlgorithms=curve25519-sha256"}, 10);
    const auto shared = shared_connection_round_trips(*hosts, ssh, bench.root_, 10);
    bench.daemon_.stop();
    hosts.reset();

    const double first_deploy = span(first.started, first.finished);
    rows.push_back({"(i) first deploy, 50 MB app (200 x 256 KiB random + app) to 3 hosts, batch 1, proxy: none: "
                    "started -> finished",
                    fmt::format("{:.0f} ms, {} sent", first_deploy, mb(first.bytes)), ""});
    rows.push_back({"(i) same: git push -> live (push, run, release; queued; deploy)",
                    fmt::format("{:.0f} ms ({:.0f} until the deployment started)", span(first.pushed, first.live),
                                span(first.pushed, first.started)),
                    ""});
    rows.push_back({"(i) same: connect / slipway binary to hosts / release rsync / 3 host turns / live -> end",
                    fmt::format("{:.0f} / {:.0f} / {:.0f} / {:.0f} / {:.0f} ms", span(first.started, first.connected),
                                span(first.connected, first.installed), span(first.installed, first.delivered),
                                span(first.delivered, first.live), span(first.live, first.finished)),
                    ""});
    rows.push_back({"(i) rsync -a by hand, same tree, 3 hosts in turn, fresh dirs: first",
                    fmt::format("{:.0f} ms, {} sent", plain_first.ms, mb(plain_first.bytes)), ""});
    rows.push_back({"(i) same with slipway's flags (--no-times --checksum --delete): first",
                    fmt::format("{:.0f} ms, {} sent", linked_first.ms, mb(linked_first.bytes)), ""});
    rows.push_back({"(i) first: overhead beyond rsync (deploy - rsync -a by hand)",
                    fmt::format("{:.0f} ms", first_deploy - plain_first.ms), ""});
    rows.push_back({fmt::format("(i) rsync -a by hand, 1 file changed, 3 hosts in turn, {} times: median", incremental),
                    fmt::format("{:.0f} ms, {} bytes sent", percentile(plain_ms, 50), plain_bytes), ""});
    rows.push_back({"(i) same with slipway's flags and --link-dest into a fresh dir: median",
                    fmt::format("{:.0f} ms, {} bytes sent", percentile(linked_ms, 50), linked_bytes), ""});
    incremental_rows("proxy: none (restart in place)", in_place, percentile(plain_ms, 50), percentile(linked_ms, 50));
    incremental_rows("default (nginx on each host, drain 10s)", behind_nginx, percentile(plain_ms, 50),
                     percentile(linked_ms, 50));
    rows.push_back({"(i) ssh HOST true, 10 times: new connection / with curve25519 kex / over a shared one",
                    fmt::format("{:.0f} / {:.0f} / {:.0f} ms (medians)", percentile(fresh, 50), percentile(classic, 50),
                                percentile(shared, 50)),
                    ""});
  } catch (...) {
    bench.daemon_.stop();  // before the hosts go away, as the end-to-end tests do
    std::fprintf(stderr, "--- daemon output ---\n%s--- end ---\n", bench.daemon_.output().c_str());
    throw;
  }
}


}  // namespace slipway::bench
