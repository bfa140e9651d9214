// Internal to src/pipeline: where slipway.yml problems are collected, and the node checks shared
// by the step, environment and build validators (kinds, strings, lists, numbers, names, paths).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/duration.h"

namespace slipway::pipeline::validation {

// Thrown when aliases make the document expand far beyond its own size (a "billion laughs"
// file): every alias is a pointer to the same node, so the expansion only happens as we walk.
struct ExpansionLimitExceeded {
  YAML::Mark mark;
};

class ValidationContext {
 public:
  explicit ValidationContext(std::string_view file_name) : file_name_(file_name) {}

  void error(const YAML::Mark& mark, std::string message);
  bool has_errors() const { return !errors_.empty(); }
  // Every problem as "FILE:LINE:COL: message", one per line, in file order.
  std::string report() const;

  // Accounts for one node walked; throws ExpansionLimitExceeded past the limit.
  void visit(const YAML::Node& node);
  // The text of a scalar node, accounted for like visit() so that copies stay bounded too;
  // reports a NUL byte in it.
  std::string text_of(const YAML::Node& scalar);

 private:
  struct Problem {
    int line;
    int column;
    std::string message;
  };
  std::string file_name_;
  std::vector<Problem> errors_;
  std::size_t nodes_visited_ = 0;
  std::size_t bytes_copied_ = 0;
};

// One `key: value` pair of a mapping.
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  // Where to report a problem with the value: an empty value has no position of its own.
  YAML::Mark value_mark() const;
};

// "a mapping", "a sequence", "a string" or "nothing", for "expected X, got Y" messages.
std::string_view describe(const YAML::Node& node);

// The pairs of MAP in file order. Keys that are not strings, and repeated keys, are reported and dropped.
std::vector<Entry> entries(ValidationContext& context, const YAML::Node& map);

// " (did you mean 'X'?)" for the name in VALID within two edits of TEXT, or "".
std::string did_you_mean(std::string_view text, std::initializer_list<std::string_view> valid);

// Reports ENTRY as unknown in WHERE ("in step 'build'"; empty at the top level), listing VALID,
// then NOTE.
void unknown_key(ValidationContext& context, const Entry& entry, std::string_view where,
                 std::initializer_list<std::string_view> valid, std::string_view note = {});

// True if the value is a mapping; else reports "expected a mapping for 'KEY', got ...".
bool expect_mapping(ValidationContext& context, const Entry& entry);

// A non-empty string value (numbers and booleans as written).
std::optional<std::string> string_value(ValidationContext& context, const Entry& entry);

// A string or a sequence of strings (or only a sequence when ALLOW_SINGLE is false), none empty.
// An empty sequence is accepted only when ALLOW_EMPTY is true.
struct ListRules {
  bool allow_single = true;
  bool allow_empty = false;
};
struct ListItem {
  std::string text;
  YAML::Mark mark;
};
std::optional<std::vector<ListItem>> string_items(ValidationContext& context, const Entry& entry,
                                                  ListRules rules = {});
// The same without the positions.
std::optional<std::vector<std::string>> string_list(ValidationContext& context, const Entry& entry,
                                                    ListRules rules = {});

std::optional<Milliseconds> duration_value(ValidationContext& context, const Entry& entry,
                                           ZeroDuration zero = ZeroDuration::rejected);

// A decimal integer in [MIN, MAX].
std::optional<int> int_value(ValidationContext& context, const Entry& entry, int min, int max);

// Step, environment and service names: `[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`, as they become
// file names and URL parts.
bool is_valid_name(std::string_view name);
std::string name_rule();
// NAME as is when it is valid, else quoted() (invalid names are reported on their own, but may also
// appear in other messages, such as a cycle's).
std::string display_name(std::string_view name);

// Why PATH is not a relative path that stays inside its directory, or nullopt if it is.
std::optional<std::string> relative_path_problem(std::string_view path);
// Why PATH is not an absolute path without `..`, or nullopt if it is.
std::optional<std::string> absolute_path_problem(std::string_view path);

bool has_space_or_control(std::string_view text);

}  // namespace slipway::pipeline::validation
