// The step graph: `needs` names resolved to indices, and cycles found by an iterative depth-first
// search (iterative because a fuzzed file can chain a hundred thousand steps).
#include "pipeline/step_dependencies.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "pipeline/quoted.h"

namespace slipway::pipeline::validation {

namespace {

constexpr std::size_t not_on_path = static_cast<std::size_t>(-1);

// Reports the cycle CYCLE (step indices, each needing the next, the last needing the first) once,
// starting from and located at the step that comes first in the file.
void report_cycle(ValidationContext& context, const ValidatedSteps& validated,
                  std::vector<std::size_t> cycle) {
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  // A long cycle is cut short: its start and its length are what the reader needs.
  constexpr std::size_t max_names = 10;
  std::string text;
  bool implicit = false;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    if (i < max_names) text += display_name(validated.steps[cycle[i]].name) + " -> ";
    implicit = implicit || !validated.origins[cycle[i]].explicit_needs;
  }
  if (cycle.size() > max_names) text += "... (" + std::to_string(cycle.size() - max_names) + " more) -> ";
  text += display_name(validated.steps[cycle.front()].name);
  std::string hint = implicit ? " (a step without 'needs' needs the step before it)" : "";
  context.error(validated.origins[cycle.front()].mark, "dependency cycle: " + text + hint);
}

void find_cycles(ValidationContext& context, const ValidatedSteps& validated) {
  const auto& steps = validated.steps;
  enum class State : char { unvisited, on_path, done };
  std::vector<State> state(steps.size(), State::unvisited);
  std::vector<std::size_t> position(steps.size(), not_on_path);  // index into `path`
  struct Frame {
    std::size_t step;
    std::size_t next_need;
  };
  std::vector<Frame> path;
  for (std::size_t root = 0; root < steps.size(); ++root) {
    if (state[root] != State::unvisited) continue;
    state[root] = State::on_path;
    position[root] = 0;
    path.push_back({root, 0});
    while (!path.empty()) {
      Frame& frame = path.back();
      const auto& needs = steps[frame.step].need_indices;
      if (frame.next_need == needs.size()) {
        state[frame.step] = State::done;
        position[frame.step] = not_on_path;
        path.pop_back();
        continue;
      }
      std::size_t next = needs[frame.next_need++];
      if (state[next] == State::on_path) {
        std::vector<std::size_t> cycle;
        for (std::size_t i = position[next]; i < path.size(); ++i) cycle.push_back(path[i].step);
        report_cycle(context, validated, std::move(cycle));
      } else if (state[next] == State::unvisited) {
        state[next] = State::on_path;
        position[next] = path.size();
        path.push_back({next, 0});  // invalidates `frame`, which is not used again
      }
    }
  }
}

}  // namespace

void resolve_dependencies(ValidationContext& context, ValidatedSteps& validated) {
  auto& steps = validated.steps;
  std::unordered_map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < steps.size(); ++i) index_of.emplace(steps[i].name, i);

  for (std::size_t i = 0; i < steps.size(); ++i) {
    Step& step = steps[i];
    const StepOrigin& origin = validated.origins[i];
    if (!origin.explicit_needs) {
      if (i > 0) {
        step.needs = {steps[i - 1].name};
        step.need_indices = {i - 1};
      }
      continue;
    }
    for (std::size_t n = 0; n < step.needs.size(); ++n) {
      auto found = index_of.find(step.needs[n]);
      if (found == index_of.end()) {
        context.error(origin.need_marks[n],
                      "step " + quoted(step.name) + " needs unknown step " + quoted(step.needs[n]));
      } else if (found->second == i) {
        context.error(origin.need_marks[n], "step " + quoted(step.name) + " needs itself");
      } else {
        step.need_indices.push_back(found->second);
      }
    }
  }
  find_cycles(context, validated);
}

}  // namespace slipway::pipeline::validation
