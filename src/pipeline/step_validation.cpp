// Validation of `steps:` in slipway.yml: every key of every step, services, env and branch filters.
#include "pipeline/step_validation.h"

#include <algorithm>
#include <string>

#include "pipeline/quoted.h"
#include "util/strings.h"

namespace slipway::pipeline::validation {

namespace {

bool is_env_name(std::string_view name) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (name.empty() || !letter(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

// `run`: a command or a list of them, none blank.
std::vector<std::string> run_commands(ValidationContext& context, const Entry& entry) {
  const YAML::Node& value = entry.value;
  if (value.IsNull() || (value.IsScalar() && util::trim(value.Scalar()).empty()) ||
      (value.IsSequence() && value.size() == 0)) {
    context.error(entry.value_mark(), "empty run");
    return {};
  }
  if (value.IsScalar()) return {context.text_of(value)};
  if (!value.IsSequence()) {
    context.error(entry.value_mark(),
                  "expected a string or a sequence for 'run', got " + std::string(describe(value)));
    return {};
  }
  std::vector<std::string> commands;
  for (const auto& item : value) {
    context.visit(item);
    if (item.IsNull() || (item.IsScalar() && util::trim(item.Scalar()).empty())) {
      context.error(item.IsNull() ? entry.value_mark() : item.Mark(), "empty run command");
    } else if (!item.IsScalar()) {
      context.error(item.Mark(), "expected a string in 'run', got " + std::string(describe(item)));
    } else {
      commands.push_back(context.text_of(item));
    }
  }
  return commands;
}

// `image`: passed to docker as an argument, so it must not look like an option or hold spaces.
std::optional<std::string> image_reference(ValidationContext& context, const Entry& entry) {
  auto image = string_value(context, entry);
  if (!image) return std::nullopt;
  if (has_space_or_control(*image) || image->front() == '-') {
    context.error(entry.value_mark(),
                  "invalid image " + quoted(*image) + ": no spaces, and it may not start with '-'");
    return std::nullopt;
  }
  return image;
}

std::vector<Service> parse_services(ValidationContext& context, const Entry& entry) {
  std::vector<Service> result;
  if (!expect_mapping(context, entry)) return result;
  for (const auto& service_entry : entries(context, entry.value)) {
    Service service;
    service.name = service_entry.key;
    if (!is_valid_name(service.name)) {
      context.error(service_entry.key_node.Mark(),
                    "invalid service name " + quoted(service.name) + ": " + name_rule());
    }
    if (!expect_mapping(context, service_entry)) continue;
    bool has_image = false;
    for (const auto& key : entries(context, service_entry.value)) {
      if (key.key == "image") {
        has_image = true;
        if (auto image = image_reference(context, key)) service.image = std::move(*image);
      } else if (key.key == "env") {
        if (auto env = env_vars(context, key)) service.env = std::move(*env);
      } else {
        unknown_key(context, key, "in service " + quoted(service.name), {"image", "env"});
      }
    }
    if (!has_image)
      context.error(service_entry.key_node.Mark(), "service " + quoted(service.name) + " has no 'image'");
    result.push_back(std::move(service));
  }
  return result;
}

// `needs`, with positions kept for the unknown-step and cycle errors reported later.
void parse_needs(ValidationContext& context, const Entry& entry, Step& step, StepOrigin& origin) {
  origin.explicit_needs = true;
  if (entry.value.IsNull()) {
    context.error(entry.value_mark(),
                  "'needs' has no value; write 'needs: []' for a step that needs nothing");
    return;
  }
  auto items = string_items(context, entry, {.allow_single = true, .allow_empty = true});
  if (!items) return;
  for (auto& item : *items) {
    // Naming a step twice changes nothing; keep the first.
    if (std::find(step.needs.begin(), step.needs.end(), item.text) != step.needs.end()) continue;
    step.needs.push_back(std::move(item.text));
    origin.need_marks.push_back(item.mark);
  }
}

void parse_artifacts(ValidationContext& context, const Entry& entry, Step& step) {
  auto items = string_items(context, entry);
  if (!items) return;
  for (auto& item : *items) {
    if (auto problem = relative_path_problem(item.text)) {
      context.error(item.mark, "invalid path " + quoted(item.text) + " in 'artifacts': " + *problem);
    } else {
      step.artifacts.push_back(std::move(item.text));
    }
  }
}

Step validate_step(ValidationContext& context, const Entry& entry, StepOrigin& origin) {
  Step step;
  step.name = entry.key;
  step.line = entry.key_node.Mark().line + 1;
  origin.mark = entry.key_node.Mark();
  if (!is_valid_name(step.name)) {
    context.error(entry.key_node.Mark(), "invalid step name " + quoted(step.name) + ": " + name_rule());
  }
  if (!entry.value.IsMap()) {
    std::string hint = entry.value.IsScalar() ? " (put the command under 'run:')" : "";
    context.error(entry.value_mark(), "expected a mapping for step " + quoted(step.name) + ", got " +
                                          std::string(describe(entry.value)) + hint);
    return step;
  }
  bool has_run = false;
  std::optional<YAML::Mark> services_mark;
  for (const auto& key : entries(context, entry.value)) {
    if (key.key == "run") {
      has_run = true;
      step.commands = run_commands(context, key);
    } else if (key.key == "needs") {
      parse_needs(context, key, step, origin);
    } else if (key.key == "env") {
      if (auto env = env_vars(context, key)) step.env = std::move(*env);
    } else if (key.key == "timeout") {
      step.timeout = duration_value(context, key);
    } else if (key.key == "when") {
      if (auto filter = branch_filter(context, key)) step.when = std::move(*filter);
    } else if (key.key == "artifacts") {
      parse_artifacts(context, key, step);
    } else if (key.key == "image") {
      if (auto image = image_reference(context, key)) step.image = std::move(*image);
    } else if (key.key == "services") {
      services_mark = key.key_node.Mark();
      step.services = parse_services(context, key);
    } else {
      unknown_key(context, key, "in step " + quoted(step.name),
                  {"run", "needs", "env", "timeout", "when", "artifacts", "image", "services"});
    }
  }
  if (!has_run) context.error(entry.key_node.Mark(), "step " + quoted(step.name) + " has no 'run'");
  // Services are sidecar containers: they need the step itself to run in a container.
  if (services_mark && step.image.empty()) {
    context.error(*services_mark, "'services' needs the step to have an 'image'");
  }
  return step;
}

}  // namespace

ValidatedSteps validate_steps(ValidationContext& context, const Entry& steps_entry) {
  ValidatedSteps result;
  if (!expect_mapping(context, steps_entry)) return result;
  for (const auto& entry : entries(context, steps_entry.value)) {
    StepOrigin origin;
    result.steps.push_back(validate_step(context, entry, origin));
    result.origins.push_back(std::move(origin));
  }
  if (result.steps.empty()) context.error(steps_entry.value_mark(), "'steps' needs at least one step");
  return result;
}

std::optional<BranchFilter> branch_filter(ValidationContext& context, const Entry& when_entry) {
  if (!expect_mapping(context, when_entry)) return std::nullopt;
  BranchFilter filter;
  bool ok = true;
  for (const auto& key : entries(context, when_entry.value)) {
    if (key.key != "branch") {
      unknown_key(context, key, "in 'when'", {"branch"});
      ok = false;
      continue;
    }
    auto items = string_items(context, key);
    if (!items) {
      ok = false;
      continue;
    }
    for (auto& item : *items) {
      // Git refuses spaces and control characters in branch names, so such a pattern never matches.
      if (has_space_or_control(item.text) || item.text.size() > 255) {
        context.error(item.mark, "invalid branch pattern " + quoted(item.text) +
                                     ": no spaces or control characters, at most 255 characters");
        ok = false;
      } else {
        filter.patterns.push_back(std::move(item.text));
      }
    }
  }
  if (!ok) return std::nullopt;
  return filter;
}

std::optional<std::vector<EnvVar>> env_vars(ValidationContext& context, const Entry& env_entry) {
  if (!expect_mapping(context, env_entry)) return std::nullopt;
  std::vector<EnvVar> vars;
  bool ok = true;
  for (const auto& entry : entries(context, env_entry.value)) {
    const YAML::Mark& name_mark = entry.key_node.Mark();
    if (!is_env_name(entry.key)) {
      context.error(name_mark, "invalid environment variable name " + quoted(entry.key) +
                                   ": use letters, digits and '_', not starting with a digit");
      ok = false;
    } else if (entry.key.rfind("SLIPWAY_", 0) == 0) {
      context.error(name_mark, "environment variable " + quoted(entry.key) +
                                   " is reserved: names starting with SLIPWAY_ are set by Slipway");
      ok = false;
    }
    if (entry.value.IsNull()) {
      context.error(entry.value_mark(), "environment variable " + quoted(entry.key) +
                                            " has no value; write \"\" for an empty one");
      ok = false;
      continue;
    }
    if (!entry.value.IsScalar()) {
      context.error(entry.value_mark(), "expected a string for environment variable " + quoted(entry.key) +
                                            ", got " + std::string(describe(entry.value)));
      ok = false;
      continue;
    }
    vars.push_back({entry.key, context.text_of(entry.value)});
  }
  if (!ok) return std::nullopt;
  return vars;
}

}  // namespace slipway::pipeline::validation
