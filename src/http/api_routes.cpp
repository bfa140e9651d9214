#include "http/api_routes.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "http/app_routes.h"
#include "http/dashboard_api.h"
#include "http/delivery_routes.h"
#include "http/deployment_event_stream.h"
#include "http/json_views.h"
#include "http/route_helpers.h"
#include "http/run_event_stream.h"
#include "http/session_routes.h"
#include "scheduler/remote_poller.h"
#include "scm/git_repository.h"
#include "scm/names.h"
#include "util/crypto.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::http {

namespace {

using nlohmann::json;
using store::Role;
using verb = beast_http::verb;

store::Project require_project(ServerContext& context, const std::string& name) {
  auto project = context.store.find_project(name);
  if (!project) throw HttpError{404, "no project '" + name + "'"};
  return *project;
}

store::Run require_run(ServerContext& context, const std::string& id_text) {
  auto run = context.store.find_run(parse_id(id_text, "run id"));
  if (!run) throw HttpError{404, "no run " + id_text};
  return *run;
}

bool valid_source_url(const std::string& url) {
  if (url.empty() || url.front() == '-' || url.size() > 2048) return false;
  for (char c : url) {
    if (std::iscntrl(static_cast<unsigned char>(c)) || c == ' ') return false;
  }
  return true;
}

// BODY's poll_seconds, checked: polling asks the source, so only a project with one polls.
int poll_seconds_field(const nlohmann::json& body, const store::Project& project) {
  int seconds = int_field(body, "poll_seconds");
  if (auto problem = scheduler::poll_interval_problem(seconds, scheduler::poll_minimum_seconds())) {
    throw HttpError{400, *problem};
  }
  if (seconds > 0 && project.source_url.empty()) {
    throw HttpError{400, "only a project with a source URL can poll (pushes to Slipway start runs themselves)"};
  }
  return seconds;
}

Response create_project(ServerContext& context, const Request& request) {
  auto body = parse_body(request);
  store::Project project;
  project.name = string_field(body, "name");
  project.source_url = string_field(body, "source");
  project.webhook_secret = string_field(body, "webhook_secret");
  project.default_branch = string_field(body, "default_branch", "main");
  if (!scm::valid_project_name(project.name)) {
    throw HttpError{400, "invalid project name '" + project.name +
                             "': use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit"};
  }
  if (!project.source_url.empty() && !valid_source_url(project.source_url)) {
    throw HttpError{400, "invalid source URL"};
  }
  if (!scm::valid_branch_name(project.default_branch)) {
    throw HttpError{400, "invalid default branch '" + project.default_branch + "'"};
  }
  project.poll_seconds = poll_seconds_field(body, project);
  if (context.store.find_project(project.name)) throw HttpError{409, "project '" + project.name + "' exists"};
  auto repo = context.repositories.bare(context.layout.repo(project.name), /*create=*/true);
  if (!repo) throw util::Error(repo.error());
  auto created = context.store.create_project(project);
  return json_response(201, project_json(created, context.base_url));
}

// PATCH /projects/APP: what may change after creation (today: the poll interval).
Response update_project(ServerContext& context, const Request& request, store::Project project) {
  auto body = parse_body(request);
  for (const auto& [key, value] : body.items()) {
    if (key != "poll_seconds") throw HttpError{400, "cannot change '" + key + "' (only poll_seconds)"};
  }
  if (body.contains("poll_seconds")) {
    project.poll_seconds = poll_seconds_field(body, project);
    context.store.set_poll_interval(project.id, project.poll_seconds);
  }
  return json_response(200, project_json(project, context.base_url));
}

Response delete_project(ServerContext& context, const store::Project& project) {
  // Its deployed app goes first: its processes stop and nginx forgets it.
  if (auto removed = context.deployments.remove_app(project); !removed) throw HttpError{409, removed.error()};
  context.scheduler.cancel_project(project.id);
  std::vector<store::Id> run_ids;
  store::RunFilter filter;
  filter.project_id = project.id;
  filter.limit = 1000;
  while (true) {
    auto runs = context.store.list_runs(filter);
    if (runs.empty()) break;
    for (const auto& run : runs) run_ids.push_back(run.id);
    filter.before_id = runs.back().id;
  }
  context.store.delete_project(project.id);
  std::error_code ec;
  context.repositories.forget(context.layout.repo(project.name));
  std::filesystem::remove_all(context.layout.repo(project.name), ec);
  for (auto id : run_ids) std::filesystem::remove_all(context.layout.run_logs(id), ec);
  Response response{beast_http::status::no_content, 11};
  return response;
}

}  // namespace

store::Run start_manual_run(ServerContext& context, const store::Project& project, const std::string& ref) {
  if (ref.empty() || ref.front() == '-' || ref.size() > 255) throw HttpError{400, "invalid ref '" + ref + "'"};
  auto repo = context.repositories.bare(context.layout.repo(project.name), /*create=*/true);
  if (!repo) throw util::Error(repo.error());
  scheduler::TriggerRequest trigger;
  trigger.trigger = "manual";
  auto heads = (*repo)->branch_heads();
  if (!project.source_url.empty()) {
    trigger.branch = ref;  // the run's setup fetches first, then resolves the ref
  } else if (auto commit = (*repo)->resolve(ref)) {
    trigger.commit = commit->id;
    trigger.message = commit->summary;
    if (heads.count("refs/heads/" + ref) > 0 || commit->id.rfind(ref, 0) != 0) {
      trigger.branch = ref;  // a branch or a tag
    } else {
      // A commit id: name the branch it heads, if one does.
      for (const auto& [name, head] : heads) {
        if (head == commit->id) trigger.branch = name.substr(std::string("refs/heads/").size());
      }
    }
  } else {
    throw HttpError{404, "no branch, tag or commit '" + ref + "' in project '" + project.name +
                             "' (push to " + context.base_url + "/git/" + project.name + ".git first)"};
  }
  return context.scheduler.enqueue(project, trigger);
}

namespace {

// Where an event stream resumes: a reconnecting EventSource's Last-Event-ID,
// else `?cursor=` (a page that loaded the logs' tails first starts there).
std::string stream_cursor(const Request& request) {
  std::string cursor = request.header("Last-Event-ID");
  return cursor.empty() ? request.query_value("cursor").value_or("") : cursor;
}

Response start_run(ServerContext& context, const Request& request, const store::Project& project) {
  auto body = parse_body(request);
  return json_response(201, run_json(start_manual_run(context, project, string_field(body, "ref", project.default_branch))));
}

Response list_runs(ServerContext& context, const Request& request) {
  store::RunFilter filter;
  if (auto name = request.query_value("project")) filter.project_id = require_project(context, *name).id;
  if (auto status = request.query_value("status")) {
    filter.status = store::parse_run_status(*status);
    if (!filter.status) throw HttpError{400, "unknown status '" + *status + "'"};
  }
  if (auto branch = request.query_value("branch")) filter.branch = *branch;
  if (auto before = request.query_value("before")) filter.before_id = parse_id(*before, "'before'");
  if (auto limit = request.query_value("limit")) {
    unsigned long long value = 0;
    if (!util::parse_uint(*limit, value) || value < 1 || value > 200) {
      throw HttpError{400, "'limit' must be between 1 and 200"};
    }
    filter.limit = static_cast<int>(value);
  }
  auto runs = context.store.list_runs(filter);
  json list = json::array();
  for (const auto& run : runs) list.push_back(run_json(run));
  json next = nullptr;
  if (static_cast<int>(runs.size()) == filter.limit) next = runs.back().id;
  return json_response(200, {{"runs", std::move(list)}, {"next_before", next}});
}

Response step_log(ServerContext& context, const Request& request, const store::Run& run,
                  const std::string& index_text) {
  unsigned long long index = 0;
  if (!util::parse_uint(index_text, index) || index > 100000) {
    throw HttpError{400, "invalid step index '" + index_text + "'"};
  }
  auto steps = context.store.list_steps(run.id);
  if (index >= steps.size()) throw HttpError{404, "run " + std::to_string(run.id) + " has no step " + index_text};
  return log_chunk(request, context.layout.step_log(run.id, static_cast<int>(index)),
                   context.scheduler.log_size(run.id, static_cast<int>(index)));
}

Response create_token(ServerContext& context, const Request& request) {
  auto body = parse_body(request);
  std::string name = string_field(body, "name", "api");
  std::string role_text = string_field(body, "role", "viewer");
  auto role = store::parse_role(role_text);
  if (!role) throw HttpError{400, "unknown role '" + role_text + "' (viewer, deployer or admin)"};
  std::string token = "slw_" + util::random_hex(20);
  context.store.create_token(name, *role, util::sha256_hex(token));
  return json_response(201, {{"token", token}, {"name", name}, {"role", role_text}});
}

}  // namespace

std::optional<Response> handle_api(ServerContext& context, Request& request, boost::beast::tcp_stream& stream) {
  auto segments = util::split(std::string_view(request.path).substr(std::string_view("/api/v1").size()), '/');
  if (!segments.empty() && segments.front().empty()) segments.erase(segments.begin());
  if (!segments.empty() && segments.back().empty()) segments.pop_back();
  const auto auth = Credentials::of(request);
  auto n = segments.size();
  auto is = [&](std::size_t i, const char* text) { return i < n && segments[i] == text; };

  if (n == 1 && is(0, "health")) {
    return json_response(200, {{"status", "ok"}, {"version", SLIPWAY_VERSION}});
  }
  if (n == 1 && is(0, "session")) return handle_session(context, request);
  if (is(0, "projects")) {
    if (n == 1) {
      require_method(request, {verb::get, verb::post});
      if (request.method() == verb::post) {
        context.auth.require(auth, Role::admin);
        return create_project(context, request);
      }
      context.auth.require(auth, Role::viewer);
      json list = json::array();
      for (const auto& project : context.store.list_projects()) list.push_back(project_json(project, context.base_url));
      return json_response(200, {{"projects", std::move(list)}});
    }
    if (n == 2) {
      require_method(request, {verb::get, verb::delete_, verb::patch});
      context.auth.require(auth, request.method() == verb::get ? Role::viewer : Role::admin);
      auto project = require_project(context, segments[1]);
      if (request.method() == verb::delete_) return delete_project(context, project);
      if (request.method() == verb::patch) return update_project(context, request, project);
      return json_response(200, project_json(project, context.base_url));
    }
    if (n == 3 && is(2, "runs")) {
      require_method(request, {verb::post});
      context.auth.require(auth, Role::deployer);
      return start_run(context, request, require_project(context, segments[1]));
    }
  }
  if (is(0, "runs")) {
    if (n == 1) {
      require_method(request, {verb::get});
      context.auth.require(auth, Role::viewer);
      return list_runs(context, request);
    }
    if (n == 2) {
      require_method(request, {verb::get});
      context.auth.require(auth, Role::viewer);
      auto run = require_run(context, segments[1]);
      return json_response(200, run_with_steps_json(run, context.store.list_steps(run.id), context.scheduler));
    }
    if (n == 3 && is(2, "cancel")) {
      require_method(request, {verb::post});
      context.auth.require(auth, Role::deployer);
      auto run = require_run(context, segments[1]);
      if (context.scheduler.cancel(run.id) == scheduler::CancelResult::already_finished) {
        throw HttpError{409, "run " + segments[1] + " has already finished (" +
                                 std::string(store::to_string(run.status)) + ")"};
      }
      return json_response(202, run_json(*context.store.find_run(run.id)));
    }
    if (n == 3 && is(2, "rerun")) {
      require_method(request, {verb::post});
      context.auth.require(auth, Role::deployer);
      auto run = require_run(context, segments[1]);
      auto project = context.store.find_project(run.project_id);
      if (!project) throw HttpError{404, "the project of run " + segments[1] + " is gone"};
      auto rerun = context.scheduler.enqueue(*project, {"rerun", run.branch, run.commit, run.message});
      return json_response(201, run_json(rerun));
    }
    if (n == 3 && is(2, "events")) {
      require_method(request, {verb::get});
      context.auth.require(auth, Role::viewer);
      auto run = require_run(context, segments[1]);
      RunEventStream::start(context, std::move(stream), run.id, stream_cursor(request));
      return std::nullopt;
    }
    if (n == 5 && is(2, "steps") && is(4, "log")) {
      require_method(request, {verb::get});
      context.auth.require(auth, Role::viewer);
      return step_log(context, request, require_run(context, segments[1]), segments[3]);
    }
  }
  if (n == 3 && is(0, "deployments") && is(2, "events")) {
    require_method(request, {verb::get});
    context.auth.require(auth, Role::viewer);
    auto deployment = context.store.find_deployment(parse_id(segments[1], "deployment id"));
    if (!deployment) throw HttpError{404, "no deployment " + segments[1]};
    DeploymentEventStream::start(context, std::move(stream), deployment->id, stream_cursor(request));
    return std::nullopt;
  }
  if (auto answer = handle_app_api(context, request, segments)) return answer;
  if (auto answer = handle_dashboard_api(context, request, segments)) return answer;
  if (auto answer = handle_delivery_api(context, request, segments)) return answer;
  if (is(0, "tokens") && n == 1) {
    require_method(request, {verb::get, verb::post});
    context.auth.require(auth, Role::admin);
    if (request.method() == verb::post) return create_token(context, request);
    json list = json::array();
    for (const auto& token : context.store.list_tokens()) list.push_back(token_json(token));
    return json_response(200, {{"tokens", std::move(list)}});
  }
  throw HttpError{404, "no such endpoint: " + request.path};
}

}  // namespace slipway::http
