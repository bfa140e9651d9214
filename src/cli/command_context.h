// What every client command shares: the global options (--url, --token, --json),
// the API client made from them on first use, output helpers, and the table
// that maps the subcommand chosen on the command line to the code that runs it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/api_client.h"
#include "cli/client_config.h"
#include "util/error.h"

namespace CLI {
class App;
}

namespace slipway::cli {

// A command line that parsed but makes no sense (a bad --url, an unknown --step):
// reported like CLI11's own usage errors, with exit status 2.
class UsageError : public util::Error {
 public:
  using util::Error::Error;
};

struct GlobalOptions {
  std::string url;
  std::string token;
  bool json = false;
};

class CommandContext {
 public:
  GlobalOptions options;

  // URL and token from the flags, the environment or the config file; resolved once.
  const ClientSettings& settings();
  const ApiClient& client();

  bool json() const { return options.json; }
  // Colour on stdout: a terminal, NO_COLOR unset, and not --json.
  bool colour() const;
  void print_json(const nlohmann::json& value) const;

 private:
  std::optional<ClientSettings> settings_;
  std::optional<ApiClient> client_;
};

using CommandHandler = std::function<int(CommandContext&)>;

class CommandSet {
 public:
  // HANDLER runs when COMMAND (a leaf subcommand) was chosen; it returns the exit status.
  void add(CLI::App* command, CommandHandler handler);
  // Runs the chosen command's handler; nullopt when the chosen one has none (serve).
  std::optional<int> run_chosen(CommandContext& context) const;

 private:
  std::vector<std::pair<CLI::App*, CommandHandler>> handlers_;
};

}  // namespace slipway::cli
