#include "deploy/host_activation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace slipway::deploy {
namespace {

TEST(HostActivation, SurvivesTheTripThroughJson) {
  HostActivation activation;
  activation.release = "3-abc1234";
  activation.processes = {{"web", "gunicorn app:app", 2}, {"worker", "python3 worker.py", 1}};
  activation.port = 8000;
  activation.env = {"SLIPWAY_RELEASE=3", "API_KEY=s3cret"};
  activation.masked = {"s3cret"};
  activation.stop_grace = std::chrono::milliseconds(2500);
  auto back = activation_from_json(to_json(activation));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->release, "3-abc1234");
  ASSERT_EQ(back->processes.size(), 2u);
  EXPECT_EQ(back->processes[0].command, "gunicorn app:app");
  EXPECT_EQ(back->processes[0].count, 2);
  EXPECT_EQ(back->port, 8000);
  EXPECT_EQ(back->env, activation.env);
  EXPECT_EQ(back->masked, activation.masked);
  EXPECT_EQ(back->stop_grace.count(), 2500);
}

TEST(HostActivation, BrokenFilesAreRefused) {
  EXPECT_FALSE(activation_from_json("not json"));
  EXPECT_NE(activation_from_json(R"({"release": "1-a"})").error().find("incomplete"), std::string::npos);
}

TEST(HostActivation, AReleaseThatWasNotDeliveredIsNamed) {
  char pattern[] = "/tmp/slipway-host-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string root = pattern;
  try {
    activate_on_host("/bin/false", root, "4-abc");
    ADD_FAILURE() << "expected an error";
  } catch (const util::Error& e) {
    EXPECT_NE(std::string(e.what()).find("release 4-abc was not delivered to this host"), std::string::npos) << e.what();
  }
  // Nothing to stop and nothing to show on a fresh host.
  stop_on_host(root, std::chrono::milliseconds(100));
  EXPECT_TRUE(status_on_host(root).empty());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace slipway::deploy
