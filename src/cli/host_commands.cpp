#include "cli/host_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/exit_status.h"
#include "deploy/host_activation.h"

namespace slipway::cli {

namespace {

struct HostOptions {
  std::string root;
  std::string release;
  int grace_ms = 10000;
  int drain_ms = 0;
  std::vector<std::string> dirs;
};

}  // namespace

void add_host_commands(CLI::App& app) {
  auto options = std::make_shared<HostOptions>();
  CLI::App* host = app.add_subcommand("host", "Host side of ssh deployments (run by slipway over ssh)")->group("");
  host->require_subcommand(1);

  CLI::App* activate = host->add_subcommand("activate", "Stop the instances under ROOT, start release NAME's");
  activate->add_option("ROOT", options->root, "Deploy path")->required();
  activate->add_option("NAME", options->release, "Release directory name")->required();
  activate->callback([options] {
    for (const auto& line : deploy::activate_on_host("/proc/self/exe", options->root, options->release)) {
      std::cout << line << "\n";
    }
  });

  CLI::App* stop = host->add_subcommand("stop", "Stop every instance under ROOT");
  stop->add_option("ROOT", options->root, "Deploy path")->required();
  stop->add_option("--grace-ms", options->grace_ms, "SIGTERM -> SIGKILL");
  stop->callback([options] { deploy::stop_on_host(options->root, std::chrono::milliseconds(options->grace_ms)); });

  CLI::App* retire = host->add_subcommand("retire", "After a drain, stop old instances under ROOT");
  retire->add_option("ROOT", options->root, "Deploy path")->required();
  retire->add_option("DIRS", options->dirs, "Instance directories")->required();
  retire->add_option("--drain-ms", options->drain_ms, "Wait this long first");
  retire->add_option("--grace-ms", options->grace_ms, "SIGTERM -> SIGKILL");
  retire->callback([options] {
    deploy::retire_on_host(options->root, options->dirs, std::chrono::milliseconds(options->drain_ms),
                           std::chrono::milliseconds(options->grace_ms));
  });

  CLI::App* status = host->add_subcommand("status", "One line per instance under ROOT");
  status->add_option("ROOT", options->root, "Deploy path")->required();
  status->callback([options] {
    for (const auto& line : deploy::status_on_host(options->root)) std::cout << line << "\n";
  });
}

}  // namespace slipway::cli
