// Tests of generate_dockerfile(): what each detected app type becomes, and which base image.
#include "pipeline/dockerfile.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace slipway::pipeline {
namespace {

namespace fs = std::filesystem;

class DockerfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-dockerfile-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(fs::path(dir_) / name) << text; }

  GeneratedDockerfile generate(const BuildSettings& build = {}, int port = 8000) {
    auto plan = detect_app(dir_, build);
    EXPECT_TRUE(plan) << plan.error();
    auto generated = generate_dockerfile(dir_, plan ? *plan : AppPlan{}, build, port);
    EXPECT_TRUE(generated) << generated.error();
    return generated ? *generated : GeneratedDockerfile{};
  }

  std::string dir_;
};

TEST_F(DockerfileTest, PythonAppRunsGunicornOnAllInterfacesOfTheContainer) {
  write("app.py", "from flask import Flask\napp = Flask(__name__)\n");
  write("requirements.txt", "flask\ngunicorn\n");
  auto generated = generate();
  EXPECT_EQ(generated.base_image, "python:3.11-slim");
  EXPECT_EQ(generated.text.rfind("FROM python:3.11-slim\n", 0), 0u) << generated.text;
  EXPECT_NE(generated.text.find("pip install --no-cache-dir -r requirements.txt"), std::string::npos);
  EXPECT_NE(generated.text.find("ENV PORT=8000 HOST=0.0.0.0\n"), std::string::npos) << generated.text;
  // exec: gunicorn itself gets docker's SIGTERM.
  EXPECT_NE(generated.text.find(R"(CMD ["/bin/sh","-c","exec gunicorn --bind ${HOST:-127.0.0.1}:$PORT)"),
            std::string::npos)
      << generated.text;
}

TEST_F(DockerfileTest, BaseImagesComeFromTheBuildSettings) {
  write("app.py", "app = None\n");
  BuildSettings build;
  build.base_images = {{"python", "registry.local:5000/python:3.11"}};
  auto generated = generate(build);
  EXPECT_EQ(generated.base_image, "registry.local:5000/python:3.11");
  EXPECT_NE(generated.description.find("Python on registry.local:5000/python:3.11"), std::string::npos);
}

TEST_F(DockerfileTest, StaticSiteIsServedByNginxOnThePortWithoutDotfiles) {
  write("index.html", "<p>hi</p>\n");
  BuildSettings build;
  build.base_images = {{"static", "slipway/nginx:1.22"}};
  auto generated = generate(build, 8080);
  EXPECT_EQ(generated.text.rfind("FROM slipway/nginx:1.22\n", 0), 0u) << generated.text;
  // The files last, so that a changed page leaves the other layers cached.
  EXPECT_NE(generated.text.find("daemon off;\"]\nCOPY [\"./\",\"/srv/www/\"]\n"), std::string::npos)
      << generated.text;
  EXPECT_NE(generated.text.find("listen 8080;"), std::string::npos);
  EXPECT_NE(generated.text.find("location ~ /\\. { return 404; }"), std::string::npos) << generated.text;
  EXPECT_NE(generated.text.find(R"(CMD ["nginx","-c","/etc/slipway-nginx.conf","-g","daemon off;"])"), std::string::npos);
}

TEST_F(DockerfileTest, ViteBuildCopiesOnlyItsOutput) {
  write("package.json", R"({"scripts": {"build": "vite build"}, "devDependencies": {"vite": "5"}})");
  auto generated = generate();
  EXPECT_NE(generated.text.find("COPY [\"dist/\",\"/srv/www/\"]\n"), std::string::npos) << generated.text;
  EXPECT_EQ(generated.base_image, "nginx:1.25");
}

TEST_F(DockerfileTest, NodeServerInstallsProductionDependenciesInTheImage) {
  write("package.json", R"({"scripts": {"start": "node server.js"}})");
  write("package-lock.json", "{}");
  auto generated = generate();
  EXPECT_EQ(generated.base_image, "node:20-slim");
  EXPECT_NE(generated.text.find("npm ci --omit=dev"), std::string::npos) << generated.text;
  EXPECT_NE(generated.text.find("ENV NODE_ENV=production\n"), std::string::npos);
}

TEST_F(DockerfileTest, ProcfileAppKeepsItsCommandAndPicksTheBaseByItsFiles) {
  write("Procfile", "web: ./start-server --port $PORT\n");
  write("requirements.txt", "flask\n");
  auto generated = generate();
  EXPECT_EQ(generated.base_image, "python:3.11-slim");
  EXPECT_NE(generated.text.find(R"(CMD ["/bin/sh","-c","./start-server --port $PORT"])"), std::string::npos)
      << generated.text;
}

TEST_F(DockerfileTest, AppsWithoutAWebProcessOrALanguageGetAReason) {
  write("Procfile", "worker: ./work\n");
  auto plan = detect_app(dir_, {});
  ASSERT_TRUE(plan);
  auto generated = generate_dockerfile(dir_, *plan, {}, 8000);
  ASSERT_FALSE(generated);
  EXPECT_EQ(generated.error(), "the app has no web process, and a container needs one command to run");

  write("Procfile", "web: ./serve\n");
  plan = detect_app(dir_, {});
  ASSERT_TRUE(plan);
  generated = generate_dockerfile(dir_, *plan, {}, 8000);
  ASSERT_FALSE(generated);
  EXPECT_NE(generated.error().find("add a Dockerfile"), std::string::npos);
}

TEST_F(DockerfileTest, OnlyADockerfileIsAnAppForTheContainerTargets) {
  write("Dockerfile", "FROM scratch\n");
  auto plan = detect_app(dir_, {});
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_EQ(plan->type, AppType::dockerfile);
  EXPECT_TRUE(plan->processes.empty());
}

TEST(DockerfileWarnings, DevelopmentServersInCmdOrEntrypointAreNamed) {
  auto warnings = dockerfile_warnings("FROM python:3.11\nCOPY . /app\nCMD [\"flask\", \"run\", \"--host=0.0.0.0\"]\n");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind("the Dockerfile's CMD: ", 0), 0u) << warnings[0];
  EXPECT_NE(warnings[0].find("gunicorn"), std::string::npos) << warnings[0];

  warnings = dockerfile_warnings("FROM node:20\nentrypoint npm \\\n  run dev\n");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind("the Dockerfile's ENTRYPOINT: ", 0), 0u) << warnings[0];

  EXPECT_TRUE(dockerfile_warnings("FROM python:3.11\nRUN flask run\nCMD [\"gunicorn\", \"app:app\"]\n").empty());
  EXPECT_TRUE(dockerfile_warnings("CMD [broken json\n").empty());
}

}  // namespace
}  // namespace slipway::pipeline
