#include "deploy/dora_metrics.h"

#include <algorithm>
#include <map>
#include <utility>

#include "util/clock.h"

namespace slipway::deploy {

namespace {

constexpr store::TimeMs kDayMs = 24LL * 3600 * 1000;

bool finished_outcome(const DoraDeployment& d) { return d.status == "success" || d.status == "failed"; }

double median_seconds(std::vector<store::TimeMs> values) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  auto n = values.size();
  double ms = n % 2 == 1 ? static_cast<double>(values[n / 2])
                         : (static_cast<double>(values[n / 2 - 1]) + static_cast<double>(values[n / 2])) / 2.0;
  return ms / 1000.0;
}

// Durations gathered for one group before the medians are taken.
struct Samples {
  DoraNumbers numbers;
  std::vector<store::TimeMs> lead_times;
  std::vector<store::TimeMs> restores;

  void add(const Samples& other) {
    numbers.deployments += other.numbers.deployments;
    numbers.changes += other.numbers.changes;
    numbers.failed_changes += other.numbers.failed_changes;
    lead_times.insert(lead_times.end(), other.lead_times.begin(), other.lead_times.end());
    restores.insert(restores.end(), other.restores.begin(), other.restores.end());
  }

  DoraNumbers finish() const {
    DoraNumbers out = numbers;
    out.lead_time_count = static_cast<int>(lead_times.size());
    out.lead_time_median_seconds = median_seconds(lead_times);
    out.restores = static_cast<int>(restores.size());
    out.restore_median_seconds = median_seconds(restores);
    return out;
  }
};

}  // namespace

DoraReport compute_dora(const std::vector<DoraDeployment>& history, store::TimeMs from, store::TimeMs to) {
  // Each environment's finished deployments, in order.
  std::map<std::pair<std::string, std::string>, std::vector<const DoraDeployment*>> by_environment;
  for (const auto& d : history) {
    if (finished_outcome(d)) by_environment[{d.app, d.environment}].push_back(&d);
  }
  const store::TimeMs first_day = from - from % kDayMs;
  const int days = static_cast<int>((to - first_day) / kDayMs) + 1;
  DoraReport report;
  report.daily.resize(static_cast<std::size_t>(std::max(days, 0)));
  for (int i = 0; i < days; ++i) report.daily[i].date = util::format_rfc3339(first_day + i * kDayMs).substr(0, 10);

  Samples total;
  for (const auto& [key, list] : by_environment) {
    Samples samples;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& d = *list[i];
      if (d.kind != "deploy" || d.finished_at < from || d.finished_at > to) continue;
      // The next successful deploy or rollback (config changes and scaling change no code): a
      // rollback makes this change a failure; it restores a failed one.
      const DoraDeployment* next_success = nullptr;
      for (std::size_t j = i + 1; j < list.size() && !next_success; ++j) {
        bool changes_code = list[j]->kind == "deploy" || list[j]->kind == "rollback";
        if (list[j]->status == "success" && changes_code) next_success = list[j];
      }
      bool failed = d.status == "failed" || (next_success && next_success->kind == "rollback");
      ++samples.numbers.changes;
      auto& day = report.daily[static_cast<std::size_t>((d.finished_at - first_day) / kDayMs)];
      if (d.status == "success") {
        ++samples.numbers.deployments;
        ++day.deployments;
        if (d.commit_time > 0 && d.commit_time <= d.finished_at) samples.lead_times.push_back(d.finished_at - d.commit_time);
      }
      if (failed) {
        ++samples.numbers.failed_changes;
        ++day.failures;
        if (next_success) samples.restores.push_back(next_success->finished_at - d.finished_at);
      }
    }
    if (samples.numbers.changes == 0) continue;
    total.add(samples);
    report.rows.push_back({key.first, key.second, samples.finish()});
  }
  report.totals = total.finish();
  return report;
}

}  // namespace slipway::deploy
