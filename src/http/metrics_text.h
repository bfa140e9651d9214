// The Prometheus text exposition format (version 0.0.4) that GET /metrics
// answers in: families with HELP and TYPE lines, samples with escaped label
// values, histograms as cumulative `_bucket` series plus `_sum` and `_count`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slipway::http {

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label names and values, in the order they are written.
using MetricLabels = std::vector<std::pair<std::string_view, std::string>>;

// Observations counted into buckets: cumulative[i] holds those <= bounds[i];
// count holds all of them (the +Inf bucket).
struct Histogram {
  std::vector<double> bounds;  // upper bounds, ascending, without +Inf
  std::vector<std::int64_t> cumulative;
  std::int64_t count = 0;
  double sum = 0;

  static Histogram with_bounds(std::vector<double> bounds);
  void observe(double value);
};

class MetricsText {
 public:
  // Starts the family NAME: its HELP and TYPE (counter, gauge, histogram) lines.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const MetricLabels& labels, double value);
  // NAME_bucket for every bound and +Inf, NAME_sum, NAME_count.
  void histogram(std::string_view name, const MetricLabels& labels, const Histogram& histogram);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// A label value with backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);
// A sample value as Prometheus writes it: 1, 0.25, +Inf, -Inf, NaN.
std::string format_metric_value(double value);

}  // namespace slipway::http
