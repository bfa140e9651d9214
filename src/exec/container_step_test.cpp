// Tests of the container step's spec and of the `docker run` it becomes.
#include "exec/container_step.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "exec/docker_cli.h"

namespace slipway::exec {
namespace {

ContainerStepSpec spec() {
  ContainerStepSpec out;
  out.home_label = "0123456789ab";
  out.run_id = 42;
  out.position = 2;
  out.image = "slipway/debian:12";
  out.script = "echo \"$GREETING\"\npsql -h db";
  out.workspace = "/srv/slipway/workspaces/42";
  out.env_names = {"CI", "SLIPWAY_BRANCH", "SLIPWAY_WORKSPACE", "API_TOKEN"};
  out.services = {{"db", "slipway/postgres:15", {{"POSTGRES_DB", "test; $(x)"}}}};
  return out;
}

TEST(ContainerStepTest, SpecSurvivesItsJson) {
  auto back = container_step_from_json(to_json(spec()));
  EXPECT_EQ(back.run_id, 42);
  EXPECT_EQ(back.position, 2);
  EXPECT_EQ(back.script, spec().script);
  EXPECT_EQ(back.env_names, spec().env_names);
  ASSERT_EQ(back.services.size(), 1u);
  EXPECT_EQ(back.services[0].env[0].value, "test; $(x)");
  EXPECT_THROW(container_step_from_json("{\"run_id\": 1}"), std::exception);
}

TEST(ContainerStepTest, DockerRunPassesEnvironmentByNameAndTheScriptAsOneArgument) {
  auto args = step_run_arguments(spec());
  auto has = [&](const std::vector<std::string>& run) {
    return std::search(args.begin(), args.end(), run.begin(), run.end()) != args.end();
  };
  EXPECT_TRUE(has({"run", "--rm", "--init", "--name", "slipway-01234567-run42-step2"}));
  EXPECT_TRUE(has({"--label", "slipway.run=42"}));
  EXPECT_TRUE(has({"--network", "slipway-01234567-run42"}));
  EXPECT_TRUE(has({"--volume", "/srv/slipway/workspaces/42:/workspace", "--workdir", "/workspace"}));
  EXPECT_TRUE(has({"--env", "API_TOKEN"}));  // its value comes from the environment, not argv
  EXPECT_TRUE(has({"--env", "SLIPWAY_WORKSPACE=/workspace"}));
  EXPECT_FALSE(has({"--env", "SLIPWAY_WORKSPACE"}));
  EXPECT_TRUE(has({"slipway/debian:12", "/bin/sh", "-e", "-c", spec().script}));
  EXPECT_EQ(args.back(), spec().script);
  EXPECT_EQ(has({"--user"}), ::getuid() != 0);
}

TEST(ContainerStepTest, NamesOfARunsContainersShareItsPrefix) {
  EXPECT_EQ(run_network_name("0123456789ab", 7), "slipway-01234567-run7");
  EXPECT_EQ(service_container_name("0123456789ab", 7, "db"), "slipway-01234567-run7-db");
  EXPECT_EQ(step_container_name("0123456789ab", 7, 3), "slipway-01234567-run7-step3");
}

TEST(DockerCliTest, LastLineIsDockersMessage) {
  EXPECT_EQ(last_line("Step 1/2\nError response from daemon: no such image\n\n"), "Error response from daemon: no such image");
  EXPECT_EQ(last_line("one line"), "one line");
  EXPECT_EQ(last_line("\n \n"), "");
  EXPECT_EQ(docker_home_label("/var/lib/slipway").size(), 12u);
  EXPECT_NE(docker_home_label("/var/lib/slipway"), docker_home_label("/var/lib/slipway2"));
  EXPECT_EQ(label_arguments({{"a", "1"}, {"b", "x y"}}), (std::vector<std::string>{"--label", "a=1", "--label", "b=x y"}));
}

}  // namespace
}  // namespace slipway::exec
