// libFuzzer target for parse_pipeline(): any byte string must give a pipeline or an error report,
// never a crash, a hang or unbounded memory; and the report must stay one "FILE:LINE:COL: ..." per line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/pipeline_file.h"

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "slipway.yml:LINE:COL: message" with LINE and COL positive numbers.
bool is_report_line(std::string_view line) {
  constexpr std::string_view prefix = "slipway.yml:";
  if (line.substr(0, prefix.size()) != prefix) return false;
  line.remove_prefix(prefix.size());
  for (int field = 0; field < 2; ++field) {
    std::size_t digits = 0;
    while (digits < line.size() && is_digit(line[digits])) ++digits;
    if (digits == 0 || line[0] == '0' || digits >= line.size() || line[digits] != ':') return false;
    line.remove_prefix(digits + 1);
  }
  return line.size() > 1 && line[0] == ' ';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pipeline = slipway::pipeline::parse_pipeline(text);
  if (!pipeline) {
    std::string_view report = pipeline.error();
    while (!report.empty()) {
      std::size_t end = report.find('\n');
      if (!is_report_line(report.substr(0, end))) __builtin_trap();
      report.remove_prefix(end == std::string_view::npos ? report.size() : end + 1);
    }
    return 0;
  }
  // Exercise what callers use on a valid file, and check what they rely on.
  if (pipeline->steps.empty()) __builtin_trap();
  for (const auto& step : pipeline->steps) {
    (void)step.script();
    (void)step.when.matches("release/1.0");
    for (std::size_t need : step.need_indices) {
      if (need >= pipeline->steps.size()) __builtin_trap();
    }
  }
  return 0;
}
