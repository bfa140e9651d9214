// Shared state of client commands and their dispatch.
#include "cli/command_context.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/terminal.h"

namespace slipway::cli {

const ClientSettings& CommandContext::settings() {
  if (!settings_) settings_ = resolve_settings(options.url, options.token, process_env());
  return *settings_;
}

const ApiClient& CommandContext::client() {
  if (!client_) {
    auto created = ApiClient::create(settings());
    if (!created) throw UsageError(created.error());
    client_.emplace(std::move(created.value()));
  }
  return *client_;
}

bool CommandContext::colour() const { return !options.json && colour_wanted(STDOUT_FILENO); }

void CommandContext::print_json(const nlohmann::json& value) const {
  // Replacing invalid UTF-8 (a commit message in Latin-1) beats failing to print at all.
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void CommandSet::add(CLI::App* command, CommandHandler handler) {
  handlers_.emplace_back(command, std::move(handler));
}

std::optional<int> CommandSet::run_chosen(CommandContext& context) const {
  for (const auto& [command, handler] : handlers_) {
    if (command->parsed()) return handler(context);
  }
  return std::nullopt;
}

}  // namespace slipway::cli
