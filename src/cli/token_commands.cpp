// Token creation (through the API or directly in the store) and listing.
#include "cli/token_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command_context.h"
#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "cli/table.h"
#include "store/records.h"
#include "store/sqlite_store.h"
#include "util/clock.h"
#include "util/crypto.h"
#include "util/error.h"

namespace slipway::cli {

namespace {

struct CreateOptions {
  std::string name = "cli";
  std::string role;  // default: admin with --home, viewer through the API
  std::string home;
  bool save = false;
};

// Makes the token in HOME's database: the daemon's WAL-mode SQLite lets a second
// process write while it runs, and the store migrates a database it finds new.
nlohmann::json create_in_store(const CreateOptions& options) {
  std::filesystem::path home = options.home;
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec) throw util::Error(fmt::format("cannot create {}: {}", home.string(), ec.message()));

  auto role = store::parse_role(options.role.empty() ? "admin" : options.role);
  if (!role) throw UsageError(fmt::format("no role '{}'", options.role));
  auto store = store::SqliteStore::open((home / "slipway.db").string());
  if (!store) throw util::Error(store.error());

  std::string token = "slw_" + util::random_hex(20);
  store::Token record = (*store)->create_token(options.name, *role, util::sha256_hex(token));
  return {{"token", token}, {"name", record.name}, {"role", std::string(store::to_string(record.role))}};
}

int create_token(CommandContext& context, const CreateOptions& options) {
  nlohmann::json created;
  if (!options.home.empty()) {
    created = create_in_store(options);
  } else {
    nlohmann::json body = {{"name", options.name}, {"role", options.role.empty() ? "viewer" : options.role}};
    created = context.client().post("/tokens", body).body;
  }
  std::string token = text_of(created, "token");
  if (token.empty()) throw util::Error("slipway answered without a token");

  if (options.save) {
    // With --home, the URL is the one the daemon on that home wrote when it started.
    std::string url = context.settings().url;
    if (!options.home.empty()) {
      std::ifstream url_file(std::filesystem::path(options.home) / "slipway.url");
      std::string written;
      if (std::getline(url_file, written) && !written.empty()) url = written;
    }
    std::filesystem::path path = config_file_path(process_env());
    save_config(path, url, token);
    std::cerr << fmt::format("saved the token and {} to {}\n", url, path.string());
  }
  // The token alone, so that TOKEN=$(slipway token create ...) works.
  if (context.json()) {
    context.print_json(created);
  } else {
    std::cout << token << "\n";
  }
  return 0;
}

int list_tokens(CommandContext& context) {
  nlohmann::json answer = context.client().get("/tokens").body;
  if (context.json()) {
    context.print_json(answer);
    return 0;
  }
  std::int64_t now = util::now_ms();
  Table table({"ID", "NAME", "ROLE", "CREATED"});
  table.set_right_aligned(0);
  for (const auto& token : array_of(answer, "tokens")) {
    auto created = parse_timestamp(text_of(token, "created_at"));
    table.add_row({std::to_string(integer_of(token, "id", 0)), printable(text_of(token, "name")),
                   printable(text_of(token, "role")), created ? format_age(*created, now) : ""});
  }
  std::cout << table.render();
  return 0;
}

}  // namespace

void add_token_commands(CLI::App& app, CommandSet& commands) {
  CLI::App* token = app.add_subcommand("token", "Create and list API tokens");
  token->require_subcommand(1);

  auto create = std::make_shared<CreateOptions>();
  CLI::App* create_command = token->add_subcommand(
      "create", "Create a token and print it (it is shown only once); admin, or --home on the server");
  create_command->add_option("--name", create->name, "What the token is for")->capture_default_str();
  create_command
      ->add_option("--role", create->role, "viewer, deployer or admin (default: viewer; admin with --home)")
      ->check(CLI::IsMember({"viewer", "deployer", "admin"}));
  create_command->add_option("--home", create->home,
                             "Write the token directly into DIR/slipway.db (the daemon's --home) instead of "
                             "asking the daemon: how the first admin token is made");
  create_command->add_flag("--save", create->save,
                           "Also save the URL and the token in the client's config file (mode 0600)");
  create_command->footer(
      "Bootstrap: TOKEN=$(slipway token create --home /var/lib/slipway)  or  "
      "slipway token create --home /var/lib/slipway --save");
  commands.add(create_command, [create](CommandContext& context) { return create_token(context, *create); });

  CLI::App* list_command =
      token->add_subcommand("list", "List tokens (admin); the tokens themselves are not kept");
  commands.add(list_command, list_tokens);
}

}  // namespace slipway::cli
