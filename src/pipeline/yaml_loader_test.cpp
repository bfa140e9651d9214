// Tests for the limits that keep hostile slipway.yml input from crashing or exhausting the parser:
// file size, nesting depth, alias expansion, error count.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "pipeline/pipeline_file.h"

namespace slipway::pipeline {
namespace {

std::string errors(std::string_view text) {
  auto pipeline = parse_pipeline(text);
  return pipeline ? "(no error)" : pipeline.error();
}

TEST(HostileInput, FileTooLarge) {
  std::string text = "steps: {a: {run: x}}\n" + std::string(1024 * 1024, '#');
  EXPECT_EQ(errors(text), "slipway.yml:1:1: file is too large: 1048597 bytes (at most 1 MiB)");
}

TEST(HostileInput, DeepNestingIsRefusedBeforeItReachesTheStack) {
  // yaml-cpp reads `[[` as a sequence holding a single-pair mapping: two levels per bracket.
  EXPECT_EQ(errors("steps: " + std::string(100000, '[')),
            "slipway.yml:1:40: nesting is too deep (more than 64 levels)");
  std::string blocks = "steps:\n";
  for (int depth = 1; depth < 200; ++depth) blocks += std::string(depth, ' ') + "a:\n";
  EXPECT_EQ(errors(blocks), "slipway.yml:65:65: nesting is too deep (more than 64 levels)");
  std::string sequences;
  for (int i = 0; i < 100000; ++i) sequences += "- ";
  EXPECT_EQ(errors(sequences + "x"), "slipway.yml:1:129: nesting is too deep (more than 64 levels)");
  std::string flow_mappings = "steps: ";
  for (int i = 0; i < 100000; ++i) flow_mappings += "{a: ";
  EXPECT_EQ(errors(flow_mappings), "slipway.yml:1:260: nesting is too deep (more than 64 levels)");
}

TEST(HostileInput, AliasBombsAreCut) {
  // A thousand steps each naming the same 1000-command list twice: two million strings if expanded.
  std::string text = "x-commands: &commands [x";
  for (int i = 1; i < 1000; ++i) text += ", x";
  text += "]\nsteps:\n";
  for (int i = 0; i < 1000; ++i) {
    text += "  s" + std::to_string(i) + ": {run: *commands, artifacts: *commands}\n";
  }
  // Reported where the limit was reached: inside the list being repeated.
  EXPECT_EQ(errors(text),
            "slipway.yml:1:1518: the file expands to too much data (aliases repeating large parts?)");

  // Large strings repeated through aliases: bounded by the bytes copied, not only by the node count.
  std::string big = "x-big: &big \"" + std::string(400000, 'y') + "\"\nsteps:\n";
  for (int i = 0; i < 2000; ++i) big += "  s" + std::to_string(i) + ": {run: *big}\n";
  EXPECT_EQ(errors(big),
            "slipway.yml:1:8: the file expands to too much data (aliases repeating large parts?)");
}

TEST(HostileInput, SelfReferencingAliasesTerminate) {
  // `services` points back at `steps`, so step a's own mapping is read as the service a.
  EXPECT_EQ(errors("steps: &s\n  a: {run: x, image: i, services: *s}\n"),
            "slipway.yml:2:7: unknown key 'run' in service 'a'; valid keys: image, env\n"
            "slipway.yml:2:25: unknown key 'services' in service 'a'; valid keys: image, env");
}

TEST(HostileInput, AtMostAHundredErrorsAreShown) {
  std::string text = "steps:\n";
  for (int i = 0; i < 150; ++i) text += "  s" + std::to_string(i) + ": {}\n";
  std::string report = errors(text);
  EXPECT_EQ(std::count(report.begin(), report.end(), '\n'), 100);
  EXPECT_NE(report.find("\nslipway.yml:102:3: too many errors; 50 more not shown"), std::string::npos)
      << report;
}

}  // namespace
}  // namespace slipway::pipeline
