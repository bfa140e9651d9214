// The problem collector and the shared node checks of the slipway.yml validators.
#include "pipeline/validation_context.h"

#include <algorithm>
#include <unordered_set>

#include "pipeline/quoted.h"
#include "util/strings.h"

namespace slipway::pipeline::validation {

namespace {

// No real pipeline file comes near these; a 1 MiB file without aliases stays well below them.
constexpr std::size_t max_nodes_visited = 500'000;
constexpr std::size_t max_bytes_copied = std::size_t{32} * 1024 * 1024;
// Past this many problems the rest is noise (and a fuzzed file can have hundreds of thousands).
constexpr std::size_t max_reported_errors = 100;

// Levenshtein distance, for "did you mean" hints on misspelt keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

void ValidationContext::error(const YAML::Mark& mark, std::string message) {
  // yaml-cpp counts from 0 and has no mark for some nodes (an empty document): report those at 1:1.
  int line = mark.is_null() || mark.line < 0 ? 1 : mark.line + 1;
  int column = mark.is_null() || mark.column < 0 ? 1 : mark.column + 1;
  errors_.push_back({line, column, std::move(message)});
}

std::string ValidationContext::report() const {
  std::vector<const Problem*> sorted;
  sorted.reserve(errors_.size());
  for (const auto& problem : errors_) sorted.push_back(&problem);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Problem* a, const Problem* b) {
    return a->line != b->line ? a->line < b->line : a->column < b->column;
  });
  std::string out;
  auto append = [&](const Problem& problem, std::string_view message) {
    if (!out.empty()) out += '\n';
    out += file_name_ + ":" + std::to_string(problem.line) + ":" + std::to_string(problem.column) + ": ";
    out += message;
  };
  for (std::size_t i = 0; i < sorted.size() && i < max_reported_errors; ++i)
    append(*sorted[i], sorted[i]->message);
  if (sorted.size() > max_reported_errors) {
    append(*sorted[max_reported_errors],
           "too many errors; " + std::to_string(sorted.size() - max_reported_errors) + " more not shown");
  }
  return out;
}

void ValidationContext::visit(const YAML::Node& node) {
  if (++nodes_visited_ > max_nodes_visited) throw ExpansionLimitExceeded{node.Mark()};
}

std::string ValidationContext::text_of(const YAML::Node& scalar) {
  const std::string& text = scalar.Scalar();
  bytes_copied_ += text.size();
  if (bytes_copied_ > max_bytes_copied) throw ExpansionLimitExceeded{scalar.Mark()};
  // Every string ends up in a C API (argv, environment, paths), where a NUL byte silently cuts it short.
  if (text.find('\0') != std::string::npos) error(scalar.Mark(), "string contains a NUL byte");
  return text;
}

YAML::Mark Entry::value_mark() const { return value.IsNull() ? key_node.Mark() : value.Mark(); }

std::string_view describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Scalar:
      return "a string";
    default:
      return "nothing";
  }
}

std::vector<Entry> entries(ValidationContext& context, const YAML::Node& map) {
  std::vector<Entry> result;
  std::unordered_set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    context.visit(it->first);
    if (!it->first.IsScalar()) {
      context.error(it->first.Mark(), "expected a string as key, got " + std::string(describe(it->first)));
      continue;
    }
    std::string key = context.text_of(it->first);
    if (key == "<<") {
      context.error(it->first.Mark(), "YAML merge keys ('<<') are not supported; repeat the keys instead");
      continue;
    }
    if (!seen.insert(key).second) {
      context.error(it->first.Mark(), "duplicate key " + quoted(key));
      continue;
    }
    result.push_back({std::move(key), it->first, it->second});
  }
  return result;
}

std::string did_you_mean(std::string_view text, std::initializer_list<std::string_view> valid) {
  std::string_view closest;
  std::size_t closest_distance = 3;  // only suggest names within two edits
  if (text.size() <= 40) {
    for (std::string_view candidate : valid) {
      std::size_t distance = edit_distance(text, candidate);
      if (distance < closest_distance) {
        closest = candidate;
        closest_distance = distance;
      }
    }
  }
  return closest.empty() ? std::string() : " (did you mean " + quoted(closest) + "?)";
}

void unknown_key(ValidationContext& context, const Entry& entry, std::string_view where,
                 std::initializer_list<std::string_view> valid, std::string_view note) {
  std::string message = "unknown key " + quoted(entry.key);
  if (!where.empty()) message += " " + std::string(where);
  message += did_you_mean(entry.key, valid);
  message += "; valid keys: ";
  bool first = true;
  for (std::string_view candidate : valid) {
    if (!first) message += ", ";
    message += candidate;
    first = false;
  }
  message += note;
  context.error(entry.key_node.Mark(), std::move(message));
}

bool expect_mapping(ValidationContext& context, const Entry& entry) {
  if (entry.value.IsMap()) return true;
  context.error(entry.value_mark(), "expected a mapping for " + quoted(entry.key) + ", got " +
                                        std::string(describe(entry.value)));
  return false;
}

std::optional<std::string> string_value(ValidationContext& context, const Entry& entry) {
  if (entry.value.IsNull()) {
    context.error(entry.value_mark(), quoted(entry.key) + " has no value");
    return std::nullopt;
  }
  if (!entry.value.IsScalar()) {
    context.error(entry.value_mark(), "expected a string for " + quoted(entry.key) + ", got " +
                                          std::string(describe(entry.value)));
    return std::nullopt;
  }
  std::string text = context.text_of(entry.value);
  if (util::trim(text).empty()) {
    context.error(entry.value_mark(), quoted(entry.key) + " is empty");
    return std::nullopt;
  }
  return text;
}

std::optional<std::vector<ListItem>> string_items(ValidationContext& context, const Entry& entry,
                                                  ListRules rules) {
  if (rules.allow_single && (entry.value.IsScalar() || entry.value.IsNull())) {
    auto text = string_value(context, entry);
    if (!text) return std::nullopt;
    return std::vector<ListItem>{{std::move(*text), entry.value_mark()}};
  }
  if (!entry.value.IsSequence()) {
    std::string expected = rules.allow_single ? "expected a string or a sequence" : "expected a sequence";
    context.error(entry.value_mark(),
                  expected + " for " + quoted(entry.key) + ", got " + std::string(describe(entry.value)));
    return std::nullopt;
  }
  if (entry.value.size() == 0 && !rules.allow_empty) {
    context.error(entry.value_mark(), quoted(entry.key) + " is empty");
    return std::nullopt;
  }
  std::vector<ListItem> items;
  bool ok = true;
  for (const auto& item : entry.value) {
    context.visit(item);
    if (!item.IsScalar()) {
      // An empty item (`- `) has no position of its own; the sequence has.
      context.error(item.IsNull() ? entry.value_mark() : item.Mark(),
                    "expected a string in " + quoted(entry.key) + ", got " + std::string(describe(item)));
      ok = false;
      continue;
    }
    std::string text = context.text_of(item);
    if (util::trim(text).empty()) {
      context.error(item.Mark(), "empty string in " + quoted(entry.key));
      ok = false;
      continue;
    }
    items.push_back({std::move(text), item.Mark()});
  }
  if (!ok) return std::nullopt;
  return items;
}

std::optional<std::vector<std::string>> string_list(ValidationContext& context, const Entry& entry,
                                                    ListRules rules) {
  auto items = string_items(context, entry, rules);
  if (!items) return std::nullopt;
  std::vector<std::string> texts;
  texts.reserve(items->size());
  for (auto& item : *items) texts.push_back(std::move(item.text));
  return texts;
}

std::optional<Milliseconds> duration_value(ValidationContext& context, const Entry& entry,
                                           ZeroDuration zero) {
  auto text = string_value(context, entry);
  if (!text) return std::nullopt;
  auto duration = parse_duration(*text, zero);
  if (!duration) {
    context.error(entry.value_mark(), quoted(entry.key) + ": " + duration.error());
    return std::nullopt;
  }
  return *duration;
}

std::optional<int> int_value(ValidationContext& context, const Entry& entry, int min, int max) {
  auto text = string_value(context, entry);
  if (!text) return std::nullopt;
  std::string_view digits = util::trim(*text);
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  unsigned long long number = 0;
  if (!util::parse_uint(digits, number)) {
    context.error(entry.value_mark(),
                  "expected a whole number for " + quoted(entry.key) + ", got " + quoted(*text));
    return std::nullopt;
  }
  if (negative || number < static_cast<unsigned long long>(min) ||
      number > static_cast<unsigned long long>(max)) {
    context.error(entry.value_mark(), quoted(entry.key) + " must be between " + std::to_string(min) +
                                          " and " + std::to_string(max) + ", got " + quoted(*text));
    return std::nullopt;
  }
  return static_cast<int>(number);
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

std::string display_name(std::string_view name) {
  return is_valid_name(name) ? std::string(name) : quoted(name);
}

std::string name_rule() {
  return "use up to 64 letters, digits, '_', '.' and '-', starting with a letter or digit";
}

bool has_space_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= ' ' || byte == 0x7f;
  });
}

namespace {

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < ' ' || byte == 0x7f;
  });
}

bool has_parent_component(std::string_view path) {
  for (const auto& part : util::split(path, '/')) {
    if (part == "..") return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> relative_path_problem(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.front() == '/') return "must be a relative path";
  if (has_control(path)) return "contains a control character";
  if (has_parent_component(path)) return "must not contain '..'";
  return std::nullopt;
}

std::optional<std::string> absolute_path_problem(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.front() != '/') return "must be an absolute path";
  if (has_control(path)) return "contains a control character";
  if (has_parent_component(path)) return "must not contain '..'";
  return std::nullopt;
}

}  // namespace slipway::pipeline::validation
