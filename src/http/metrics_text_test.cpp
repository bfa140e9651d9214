#include "http/metrics_text.h"

#include <gtest/gtest.h>

#include <limits>

namespace slipway::http {
namespace {

TEST(MetricsText, FamilyHasHelpAndTypeLines) {
  MetricsText out;
  out.family("slipway_up", "gauge", "Whether it runs.\nSecond line with a \\.");
  out.sample("slipway_up", {}, 1);
  EXPECT_EQ(out.text(),
            "# HELP slipway_up Whether it runs.\\nSecond line with a \\\\.\n"
            "# TYPE slipway_up gauge\n"
            "slipway_up 1\n");
}

TEST(MetricsText, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)"
                               "\nd"),
            R"(a\\b\"c\nd)");
  MetricsText out;
  out.sample("x", {{"project", "we\"ird\\"}, {"status", "line\nbreak"}}, 3);
  EXPECT_EQ(out.text(), "x{project=\"we\\\"ird\\\\\",status=\"line\\nbreak\"} 3\n");
}

TEST(MetricsText, ValuesInPrometheusForm) {
  EXPECT_EQ(format_metric_value(0), "0");
  EXPECT_EQ(format_metric_value(42), "42");
  EXPECT_EQ(format_metric_value(0.1), "0.1");
  EXPECT_EQ(format_metric_value(1764000000.5), "1764000000.5");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(MetricsText, HistogramBucketsAreCumulativeAndInfIsTheCount) {
  auto histogram = Histogram::with_bounds({0.5, 1, 10});
  for (double value : {0.2, 0.5, 0.7, 3.0, 30.0}) histogram.observe(value);
  EXPECT_EQ(histogram.cumulative, (std::vector<std::int64_t>{2, 3, 4}));
  EXPECT_EQ(histogram.count, 5);
  MetricsText out;
  out.histogram("d_seconds", {{"project", "app"}}, histogram);
  EXPECT_EQ(out.text(),
            "d_seconds_bucket{project=\"app\",le=\"0.5\"} 2\n"
            "d_seconds_bucket{project=\"app\",le=\"1\"} 3\n"
            "d_seconds_bucket{project=\"app\",le=\"10\"} 4\n"
            "d_seconds_bucket{project=\"app\",le=\"+Inf\"} 5\n"
            "d_seconds_sum{project=\"app\"} 34.4\n"
            "d_seconds_count{project=\"app\"} 5\n");
}

TEST(MetricsText, HistogramWithoutLabelsHasOnlyLe) {
  MetricsText out;
  out.histogram("h", {}, Histogram::with_bounds({1}));
  EXPECT_EQ(out.text(), "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}

}  // namespace
}  // namespace slipway::http
