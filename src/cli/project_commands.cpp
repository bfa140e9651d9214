// The project commands: thin requests to /api/v1/projects with readable output.
#include "cli/project_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command_context.h"
#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "cli/run_report.h"
#include "cli/table.h"
#include "cli/terminal.h"
#include "pipeline/duration.h"
#include "util/clock.h"
#include "util/error.h"

namespace slipway::cli {

namespace {

struct CreateOptions {
  std::string name;
  std::string source;
  std::string webhook_secret;
  std::string default_branch;
  std::string poll;
};

struct SetOptions {
  std::string name;
  std::string poll;
};

struct DeleteOptions {
  std::string name;
  bool yes = false;
};

std::string project_path(const std::string& name) { return "/projects/" + url_encode(name); }

// `--poll 60s` / `1m` / `off` -> whole seconds (the daemon checks the bounds).
long long poll_seconds(const std::string& text) {
  if (text == "off" || text == "0") return 0;
  auto duration = pipeline::parse_duration(text);
  if (!duration) throw util::Error("--poll: " + duration.error() + " (e.g. 60s, 5m, or off)");
  if (duration->count() % 1000 != 0) throw util::Error("--poll: use whole seconds, got " + text);
  return duration->count() / 1000;
}

std::string poll_text(const nlohmann::json& project) {
  auto it = project.find("poll_seconds");
  if (it == project.end() || !it->is_number_integer() || it->get<long long>() <= 0) return "";
  return "every " + std::to_string(it->get<long long>()) + "s";
}

// Where a forge should send its push webhooks; outside /api/v1.
std::string webhook_url(const ServerUrl& url, const std::string& name) {
  return fmt::format("http://{}{}/hooks/github/{}", url.host_header(), url.prefix, url_encode(name));
}

int create_project(CommandContext& context, const CreateOptions& options) {
  nlohmann::json body = {{"name", options.name}};
  if (!options.source.empty()) body["source"] = options.source;
  if (!options.webhook_secret.empty()) body["webhook_secret"] = options.webhook_secret;
  if (!options.default_branch.empty()) body["default_branch"] = options.default_branch;
  if (!options.poll.empty()) body["poll_seconds"] = poll_seconds(options.poll);
  nlohmann::json project = context.client().post("/projects", body).body;
  if (context.json()) {
    context.print_json(project);
    return 0;
  }
  std::string name = printable(text_of(project, "name"));
  std::string branch = printable(text_of(project, "default_branch"));
  std::cout << "created project " << name << "\n";
  if (std::string source = text_of(project, "source"); !source.empty()) {
    std::cout << "  builds " << printable(source) << "\n";
    if (std::string poll = poll_text(project); !poll.empty()) {
      std::cout << "  polls it " << poll << " (the first poll runs " << branch << ")\n";
    }
    if (flag_of(project, "webhook")) {
      std::cout << "  webhook URL for the forge: " << webhook_url(context.client().url(), options.name)
                << "\n";
    }
    std::cout << "  start a run now: slipway run " << name << "\n";
  } else {
    std::cout << "  push to it: git remote add slipway " << printable(text_of(project, "git_url"))
              << " && git push slipway " << (branch.empty() ? "main" : branch) << "\n"
              << "  (git asks for a password: give it a deployer token)\n";
  }
  return 0;
}

int list_projects(CommandContext& context) {
  nlohmann::json answer = context.client().get("/projects").body;
  if (context.json()) {
    context.print_json(answer);
    return 0;
  }
  const nlohmann::json& projects = array_of(answer, "projects");
  if (projects.empty()) {
    std::cout << "no projects yet; create one with: slipway project create NAME\n";
    return 0;
  }
  std::int64_t now = util::now_ms();
  Table table({"NAME", "BRANCH", "REPOSITORY", "WEBHOOK", "CREATED"});
  for (const auto& project : projects) {
    std::string source = text_of(project, "source");
    auto created = parse_timestamp(text_of(project, "created_at"));
    table.add_row({printable(text_of(project, "name")), printable(text_of(project, "default_branch")),
                   printable(source.empty() ? text_of(project, "git_url") : source),
                   flag_of(project, "webhook") ? "yes" : "no", created ? format_age(*created, now) : ""});
  }
  std::cout << table.render();
  return 0;
}

int show_project(CommandContext& context, const std::string& name) {
  nlohmann::json project = context.client().get(project_path(name)).body;
  if (context.json()) {
    context.print_json(project);
    return 0;
  }
  std::int64_t now = util::now_ms();
  auto field = [](const char* label, const std::string& value) {
    if (!value.empty()) std::cout << fmt::format("  {:<10}{}\n", label, value);
  };
  std::cout << "project " << printable(text_of(project, "name")) << "\n";
  field("branch", printable(text_of(project, "default_branch")));
  field("source", printable(text_of(project, "source")));
  field("git", printable(text_of(project, "git_url")));
  field("polls", poll_text(project));
  if (flag_of(project, "webhook")) field("webhook", webhook_url(context.client().url(), name));
  if (auto created = parse_timestamp(text_of(project, "created_at")))
    field("created", format_age(*created, now));

  nlohmann::json runs = context.client().get("/runs", {{"project", name}, {"limit", "5"}}).body;
  const nlohmann::json& recent = array_of(runs, "runs");
  if (recent.empty()) {
    std::cout << "\nno runs yet\n";
  } else {
    std::cout << "\n" << runs_table(recent, context.colour(), now);
  }
  return 0;
}

int set_project(CommandContext& context, const SetOptions& options) {
  nlohmann::json body = nlohmann::json::object();
  if (!options.poll.empty()) body["poll_seconds"] = poll_seconds(options.poll);
  if (body.empty()) throw util::Error("nothing to change; say what, e.g. --poll 60s");
  nlohmann::json project = context.client().patch(project_path(options.name), body).body;
  if (context.json()) {
    context.print_json(project);
    return 0;
  }
  std::string poll = poll_text(project);
  std::cout << "project " << printable(text_of(project, "name")) << ": "
            << (poll.empty() ? "polling off" : "polls its source " + poll) << "\n";
  return 0;
}

int delete_project(CommandContext& context, const DeleteOptions& options) {
  // Only a person can be asked; scripts say what they mean by running the command.
  if (!options.yes && stdin_is_terminal() &&
      !confirm(fmt::format("delete project {} with all its runs, logs and repository?",
                           printable(options.name)))) {
    std::cerr << "slipway: not deleted\n";
    return 1;
  }
  context.client().del(project_path(options.name));
  if (context.json()) {
    context.print_json({{"deleted", options.name}});
  } else {
    std::cout << "deleted project " << printable(options.name) << "\n";
  }
  return 0;
}

}  // namespace

void add_project_commands(CLI::App& app, CommandSet& commands) {
  CLI::App* project = app.add_subcommand("project", "Create, list, show, change and delete projects");
  project->require_subcommand(1);

  auto create = std::make_shared<CreateOptions>();
  CLI::App* create_command = project->add_subcommand("create", "Create a project (admin)");
  create_command->add_option("NAME", create->name, "Project name, as in the git URL")->required();
  create_command->add_option("--source", create->source,
                             "Repository URL to fetch from (GitHub, GitLab, Gitea...); without it, "
                             "push to slipway's own git hosting");
  create_command->add_option("--webhook-secret", create->webhook_secret,
                             "Secret the forge signs its push webhooks with");
  create_command->add_option("--default-branch", create->default_branch, "Branch built by default (main)");
  create_command->add_option("--poll", create->poll,
                             "Ask the --source for new commits this often (e.g. 60s, 5m; at least 10s) "
                             "when it sends no webhooks; the first poll runs the default branch");
  commands.add(create_command,
               [create](CommandContext& context) { return create_project(context, *create); });

  CLI::App* list_command = project->add_subcommand("list", "List projects");
  commands.add(list_command, list_projects);

  auto show_name = std::make_shared<std::string>();
  CLI::App* show_command = project->add_subcommand("show", "Show a project and its latest runs");
  show_command->add_option("NAME", *show_name, "Project name")->required();
  commands.add(show_command,
               [show_name](CommandContext& context) { return show_project(context, *show_name); });

  auto set = std::make_shared<SetOptions>();
  CLI::App* set_command = project->add_subcommand("set", "Change a project's settings (admin)");
  set_command->add_option("NAME", set->name, "Project name")->required();
  set_command->add_option("--poll", set->poll, "Poll interval of the source (e.g. 60s, 5m), or off");
  commands.add(set_command, [set](CommandContext& context) { return set_project(context, *set); });

  auto remove = std::make_shared<DeleteOptions>();
  CLI::App* delete_command =
      project->add_subcommand("delete", "Delete a project with its runs, logs and repository (admin)");
  delete_command->add_option("NAME", remove->name, "Project name")->required();
  delete_command->add_flag("-y,--yes", remove->yes, "Do not ask for confirmation on a terminal");
  commands.add(delete_command,
               [remove](CommandContext& context) { return delete_project(context, *remove); });
}

}  // namespace slipway::cli
