// libFuzzer target for parse_procfile(): any byte string must give process types or an error report
// of one "Procfile:LINE:COL: message" per line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/procfile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto processes = slipway::pipeline::parse_procfile(text);
  if (!processes) {
    std::string_view report = processes.error();
    while (!report.empty()) {
      if (report.substr(0, 9) != "Procfile:") __builtin_trap();
      std::size_t end = report.find('\n');
      report.remove_prefix(end == std::string_view::npos ? report.size() : end + 1);
    }
    return 0;
  }
  for (const auto& process : *processes) {
    if (process.name.empty() || process.command.empty() || process.line < 1) __builtin_trap();
  }
  return 0;
}
