// Tests of URL/token resolution order and of saving the config file.
#include "cli/client_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "util/crypto.h"
#include "util/error.h"

namespace slipway::cli {
namespace {

class ClientConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("slipway-config-test-" + util::random_hex(6));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  EnvLookup env() const {
    return [this](const char* name) -> const char* {
      auto it = vars_.find(name);
      return it == vars_.end() ? nullptr : it->second.c_str();
    };
  }
  void write_config(const std::string& text) {
    std::filesystem::create_directories(config_path().parent_path());
    std::ofstream(config_path()) << text;
  }
  std::filesystem::path config_path() const { return dir_ / "xdg" / "slipway" / "config.json"; }

  std::filesystem::path dir_;
  std::map<std::string, std::string> vars_;
};

TEST_F(ClientConfigTest, FindsTheConfigFileInTheUsualPlaces) {
  vars_["HOME"] = "/home/ada";
  EXPECT_EQ(config_file_path(env()), "/home/ada/.config/slipway/config.json");
  vars_["XDG_CONFIG_HOME"] = "/xdg";
  EXPECT_EQ(config_file_path(env()), "/xdg/slipway/config.json");
  vars_["SLIPWAY_CONFIG"] = "/etc/slipway.json";
  EXPECT_EQ(config_file_path(env()), "/etc/slipway.json");
}

TEST_F(ClientConfigTest, DefaultsWithoutAnything) {
  vars_["XDG_CONFIG_HOME"] = (dir_ / "xdg").string();
  ClientSettings settings = resolve_settings("", "", env());
  EXPECT_EQ(settings.url, kDefaultUrl);
  EXPECT_EQ(settings.token, "");
}

TEST_F(ClientConfigTest, FlagsBeatEnvironmentBeatsConfigFile) {
  vars_["XDG_CONFIG_HOME"] = (dir_ / "xdg").string();
  write_config(R"({"url": "http://config:1", "token": "from-file"})");
  EXPECT_EQ(resolve_settings("", "", env()).url, "http://config:1");
  EXPECT_EQ(resolve_settings("", "", env()).token, "from-file");
  EXPECT_EQ(resolve_settings("", "", env()).token_origin, config_path().string());

  vars_["SLIPWAY_URL"] = "http://env:2";
  vars_["SLIPWAY_TOKEN"] = "from-env";
  EXPECT_EQ(resolve_settings("", "", env()).url, "http://env:2");
  EXPECT_EQ(resolve_settings("", "", env()).token, "from-env");

  ClientSettings settings = resolve_settings("http://flag:3", "from-flag", env());
  EXPECT_EQ(settings.url, "http://flag:3");
  EXPECT_EQ(settings.token, "from-flag");
  EXPECT_EQ(settings.token_origin, "--token");
}

TEST_F(ClientConfigTest, NeverSendsASavedTokenToAnotherServer) {
  vars_["XDG_CONFIG_HOME"] = (dir_ / "xdg").string();
  write_config(R"({"url": "http://config:1/", "token": "secret"})");
  EXPECT_EQ(resolve_settings("http://config:1", "", env()).token, "secret");
  EXPECT_EQ(resolve_settings("http://elsewhere:1", "", env()).token, "");

  write_config(R"({"token": "secret"})");  // no URL saved: the token goes wherever the client does
  EXPECT_EQ(resolve_settings("http://elsewhere:1", "", env()).token, "secret");
}

TEST_F(ClientConfigTest, ReportsABrokenConfigFile) {
  vars_["XDG_CONFIG_HOME"] = (dir_ / "xdg").string();
  write_config("{not json");
  EXPECT_THROW(resolve_settings("", "", env()), util::Error);
  write_config("[]");
  EXPECT_THROW(resolve_settings("", "", env()), util::Error);
}

TEST_F(ClientConfigTest, SavesPrivatelyAndKeepsOtherKeys) {
  std::filesystem::path path = dir_ / "new" / "dir" / "config.json";
  save_config(path, "http://a:1", "first");
  std::ofstream(path) << R"({"url": "http://a:1", "token": "first", "theme": "dark"})";
  save_config(path, "http://b:2", "second");

  nlohmann::json saved = nlohmann::json::parse(std::ifstream(path));
  EXPECT_EQ(saved["url"], "http://b:2");
  EXPECT_EQ(saved["token"], "second");
  EXPECT_EQ(saved["theme"], "dark");

  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(path.parent_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

}  // namespace
}  // namespace slipway::cli
