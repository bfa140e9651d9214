#include "http/metrics_text.h"

#include <fmt/format.h>

#include <cmath>

namespace slipway::http {

namespace {

// HELP text escapes only backslash and newline.
std::string escape_help(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void append_labels(std::string& out, const MetricLabels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out.append(name);
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  }
  if (!le.empty()) {
    if (!first) out += ',';
    out += "le=\"";
    out.append(le);
    out += '"';
  }
  out += '}';
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);  // shortest form that reads back the same: 1, 0.1, 1800
}

Histogram Histogram::with_bounds(std::vector<double> bounds) {
  Histogram histogram;
  histogram.cumulative.assign(bounds.size(), 0);
  histogram.bounds = std::move(bounds);
  return histogram;
}

void Histogram::observe(double value) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) ++cumulative[i];
  }
  ++count;
  sum += value;
}

void MetricsText::family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help), name, type);
}

void MetricsText::sample(std::string_view name, const MetricLabels& labels, double value) {
  text_.append(name);
  append_labels(text_, labels);
  text_ += ' ';
  text_ += format_metric_value(value);
  text_ += '\n';
}

void MetricsText::histogram(std::string_view name, const MetricLabels& labels, const Histogram& histogram) {
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < histogram.bounds.size(); ++i) {
    text_ += bucket;
    append_labels(text_, labels, format_metric_value(histogram.bounds[i]));
    text_ += ' ';
    text_ += std::to_string(i < histogram.cumulative.size() ? histogram.cumulative[i] : 0);
    text_ += '\n';
  }
  text_ += bucket;
  append_labels(text_, labels, "+Inf");
  text_ += ' ' + std::to_string(histogram.count) + '\n';
  sample(std::string(name) + "_sum", labels, histogram.sum);
  sample(std::string(name) + "_count", labels, static_cast<double>(histogram.count));
}

}  // namespace slipway::http
