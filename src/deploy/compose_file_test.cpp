// Tests of render_compose(): which services are the app, and what Slipway adds to them.
#include "deploy/compose_file.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace slipway::deploy {
namespace {

ComposeSettings settings() {
  ComposeSettings out;
  out.image = "127.0.0.1:5000/shop:7";
  out.port = 8000;
  out.env_file = "/home/apps/shop/production/compose/release-7.env";
  out.labels = {{"slipway.release", "7"}};
  return out;
}

TEST(ComposeFileTest, TheServiceWithThePlaceholderImageRunsTheReleaseWithItsConfig) {
  // As `docker-compose config` prints it: the placeholder already replaced, strings quoted.
  const std::string resolved =
      "services:\n"
      "  web:\n"
      "    image: 127.0.0.1:5000/shop:7\n"
      "    env_file: ./common.env\n"
      "  cache:\n"
      "    image: redis:7\n"
      "    command:\n"
      "    - sleep\n"
      "    - '3600'\n"
      "version: '3.8'\n";
  auto rendered = render_compose(resolved, settings());
  ASSERT_TRUE(rendered) << rendered.error();
  EXPECT_EQ(rendered->app_services, std::vector<std::string>{"web"});
  auto root = YAML::Load(rendered->text);
  auto web = root["services"]["web"];
  ASSERT_EQ(web["env_file"].size(), 2u);
  EXPECT_EQ(web["env_file"][0].as<std::string>(), "./common.env");
  EXPECT_EQ(web["env_file"][1].as<std::string>(), "/home/apps/shop/production/compose/release-7.env");
  EXPECT_EQ(web["labels"]["slipway.release"].as<std::string>(), "7");
  EXPECT_EQ(web["ports"][0].as<std::string>(), "127.0.0.1::8000");
  EXPECT_FALSE(root["services"]["cache"]["ports"]);
  // What was a string stays one for compose: "3600" and the version.
  EXPECT_NE(rendered->text.find("- \"3600\""), std::string::npos) << rendered->text;
  EXPECT_NE(rendered->text.find("version: \"3.8\""), std::string::npos) << rendered->text;
  EXPECT_NE(rendered->text.find("slipway.release: \"7\""), std::string::npos) << rendered->text;
}

TEST(ComposeFileTest, AServiceWithABuildRunsTheReleaseImageInstead) {
  const std::string resolved =
      "services:\n"
      "  app:\n"
      "    build:\n"
      "      context: /src\n"
      "    ports:\n"
      "    - 127.0.0.1:9000:8000/tcp\n";
  auto rendered = render_compose(resolved, settings());
  ASSERT_TRUE(rendered) << rendered.error();
  auto app = YAML::Load(rendered->text)["services"]["app"];
  EXPECT_FALSE(app["build"]);
  EXPECT_EQ(app["image"].as<std::string>(), "127.0.0.1:5000/shop:7");
  EXPECT_EQ(app["ports"].size(), 1u);  // the app's port is already published
}

TEST(ComposeFileTest, AFileWithoutTheAppIsRefused) {
  auto rendered = render_compose("services:\n  db:\n    image: postgres:15\n", settings());
  ASSERT_FALSE(rendered);
  EXPECT_EQ(rendered.error(), "no service of the compose file is the app: give it `image: ${SLIPWAY_IMAGE}` or a `build:`");
  EXPECT_FALSE(render_compose("services: [", settings()));
  EXPECT_EQ(render_compose("version: '3'\n", settings()).error(), "the compose file has no services");
}

}  // namespace
}  // namespace slipway::deploy
