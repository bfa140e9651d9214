// Tests of detect_app() on release trees made in temporary directories, and of dev_server_warnings().
#include "pipeline/app_detection.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace slipway::pipeline {
namespace {

namespace fs = std::filesystem;

class AppDetectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-app-detection-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    fs::path path = fs::path(dir_) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  void make_dir(const std::string& name) { fs::create_directories(fs::path(dir_) / name); }

  AppPlan detect(const BuildSettings& build = {}) {
    auto plan = detect_app(dir_, build);
    EXPECT_TRUE(plan) << plan.error();
    return plan ? *plan : AppPlan{};
  }
  std::string error(const BuildSettings& build = {}) {
    auto plan = detect_app(dir_, build);
    return plan ? "(no error)" : plan.error();
  }

  std::string dir_;
};

BuildSettings with_type(std::string type, std::string output = "") {
  BuildSettings build;
  build.type = std::move(type);
  build.output = std::move(output);
  return build;
}

TEST(AppTypeName, NamesRoundTrip) {
  EXPECT_EQ(app_type_name(AppType::node_static), "node-static");
  EXPECT_EQ(app_type_name(AppType::static_site), "static");
  for (AppType type :
       {AppType::procfile, AppType::python, AppType::node_static, AppType::static_site, AppType::node}) {
    EXPECT_EQ(app_type_from_name(app_type_name(type)), type);
  }
  EXPECT_EQ(app_type_from_name("static_site"), std::nullopt);
}

// --- Procfile ---

TEST_F(AppDetectionTest, ProcfileWinsPutsWebFirstAndKeepsReleaseApart) {
  write("Procfile", "worker: python worker.py\nrelease: ./migrate\nweb: gunicorn app:app\n");
  write("requirements.txt", "flask\n");
  write("package.json", R"({"scripts": {"start": "node server.js"}})");
  AppPlan plan = detect();
  EXPECT_EQ(plan.type, AppType::procfile);
  ASSERT_EQ(plan.processes.size(), 2u);
  EXPECT_EQ(plan.processes[0].name, "web");
  EXPECT_EQ(plan.processes[0].command, "gunicorn app:app");
  EXPECT_EQ(plan.processes[1].name, "worker");
  EXPECT_EQ(plan.release_command, "./migrate");
  EXPECT_TRUE(plan.warnings.empty());
  EXPECT_EQ(plan.description, "Procfile: web, worker (release command before each deployment)");
}

TEST_F(AppDetectionTest, ProcfileWinsOverBuildTypeWithAWarning) {
  write("Procfile", "web: ./serve\n");
  AppPlan plan = detect(with_type("python"));
  EXPECT_EQ(plan.type, AppType::procfile);
  EXPECT_FALSE(plan.release_command);
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0], "build.type 'python' is ignored: the Procfile says how to run the app");
}

TEST_F(AppDetectionTest, ProcfileDevServersAreWarnedAbout) {
  write("Procfile", "web: flask run --port $PORT\nworker: nodemon worker.js\n");
  AppPlan plan = detect();
  ASSERT_EQ(plan.warnings.size(), 2u);
  EXPECT_EQ(plan.warnings[0],
            "process 'web': `flask run` is Flask's development server; use gunicorn: "
            "`web: gunicorn --bind 127.0.0.1:$PORT app:app`");
  EXPECT_NE(plan.warnings[1].find("process 'worker': `nodemon`"), std::string::npos);
}

TEST_F(AppDetectionTest, ProcfileErrorsComeFromItsParser) {
  write("Procfile", "web: x\nweb: y\n");
  EXPECT_EQ(error(), "Procfile:2:1: duplicate process type 'web' (first defined on line 1)");
  write("Procfile", "release: ./migrate\n");
  EXPECT_EQ(error(), "the Procfile has no process to run, only a `release:` command");
}

TEST_F(AppDetectionTest, ProcfileMustBeARegularFile) {
  fs::create_symlink("/dev/zero", fs::path(dir_) / "Procfile");
  EXPECT_EQ(error(), "Procfile is a symbolic link; Slipway reads only regular files");
  fs::remove(fs::path(dir_) / "Procfile");
  make_dir("Procfile");
  EXPECT_EQ(error(), "Procfile is not a regular file");
}

// --- Python ---

TEST_F(AppDetectionTest, PythonAppPyServesApp) {
  write("requirements.txt", "flask\ngunicorn\n");
  write("app.py", "from flask import Flask\napp = Flask(__name__)\n");
  AppPlan plan = detect();
  EXPECT_EQ(plan.type, AppType::python);
  ASSERT_EQ(plan.processes.size(), 1u);
  EXPECT_EQ(plan.processes[0].name, "web");
  EXPECT_EQ(plan.processes[0].command,
            "gunicorn --bind ${HOST:-127.0.0.1}:$PORT --workers 2 --access-logfile - app:app");
  EXPECT_EQ(plan.description, "Python WSGI app (app.py) -> gunicorn app:app");
  EXPECT_TRUE(plan.build_commands.empty());
  EXPECT_TRUE(plan.static_root.empty());
}

TEST_F(AppDetectionTest, PythonWsgiPyWinsAndItsApplicationIsFound) {
  write("app.py", "app = 1\n");
  write("wsgi.py", "from app import make\n\napplication = make()\n");
  AppPlan plan = detect();
  EXPECT_EQ(plan.processes[0].command,
            "gunicorn --bind ${HOST:-127.0.0.1}:$PORT --workers 2 --access-logfile - wsgi:application");
  EXPECT_EQ(plan.description, "Python WSGI app (wsgi.py) -> gunicorn wsgi:application");
}

TEST_F(AppDetectionTest, PythonApplicationFunctionAndAnnotationsCount) {
  write("wsgi.py", "def application(environ, start_response):\n    pass\n");
  EXPECT_EQ(detect().description, "Python WSGI app (wsgi.py) -> gunicorn wsgi:application");
  write("wsgi.py", "application: Callable = make()\n");
  EXPECT_EQ(detect().description, "Python WSGI app (wsgi.py) -> gunicorn wsgi:application");
  // Indented, compared or only mentioned: not a top-level definition.
  write("wsgi.py", "if x:\n    application = 1\nif application == 2: pass\napplications = 3\n");
  EXPECT_EQ(detect().description, "Python WSGI app (wsgi.py) -> gunicorn wsgi:app");
}

TEST_F(AppDetectionTest, PythonRequirementsWithMainPy) {
  write("requirements.txt", "bottle\n");
  write("main.py", "app = bottle.Bottle()\n");
  EXPECT_EQ(detect().description, "Python WSGI app (main.py) -> gunicorn main:app");
}

TEST_F(AppDetectionTest, PythonWithoutAModuleIsAnError) {
  write("requirements.txt", "django\n");
  EXPECT_EQ(error(),
            "this looks like a Python app (requirements.txt, app.py or wsgi.py), but there is no wsgi.py, "
            "app.py or main.py to serve: add a Procfile with a `web:` command, e.g. "
            "`web: gunicorn --bind 127.0.0.1:$PORT myproject.wsgi`");
  write("index.html", "<p>hi</p>");
  EXPECT_EQ(error(with_type("python")).rfind("build.type is python, but there is no wsgi.py", 0), 0u);
}

TEST_F(AppDetectionTest, BuildTypePythonWinsOverPackageJson) {
  write("package.json", R"({"scripts": {"build": "vite build"}})");
  write("main.py", "app = 1\n");
  EXPECT_EQ(detect(with_type("python")).type, AppType::python);
}

// --- Node, static build ---

TEST_F(AppDetectionTest, ViteBuildIsServedFromDistAndBuiltWhenMissing) {
  write("package.json",
        R"({"scripts": {"dev": "vite", "build": "vite build"}, "devDependencies": {"vite": "^5"}})");
  write("package-lock.json", "{}");
  AppPlan plan = detect();
  EXPECT_EQ(plan.type, AppType::node_static);
  EXPECT_EQ(plan.static_root, "dist");
  EXPECT_EQ(plan.build_commands, (std::vector<std::string>{"npm ci", "npm run build"}));
  EXPECT_TRUE(plan.processes.empty());
  EXPECT_EQ(plan.description, "Node.js build (vite) -> dist/ served by nginx");

  make_dir("dist");
  plan = detect();
  EXPECT_EQ(plan.type, AppType::node_static);
  EXPECT_TRUE(plan.build_commands.empty());
}

TEST_F(AppDetectionTest, ReactScriptsBuildsIntoBuildEvenWithAStartScript) {
  write("package.json",
        R"({"scripts": {"start": "react-scripts start", "build": "react-scripts build"},
            "dependencies": {"react-scripts": "5"}})");
  AppPlan plan = detect();
  EXPECT_EQ(plan.type, AppType::node_static);
  EXPECT_EQ(plan.static_root, "build");
  EXPECT_EQ(plan.build_commands, (std::vector<std::string>{"npm install", "npm run build"}));
  EXPECT_EQ(plan.description, "Node.js build (react-scripts) -> build/ served by nginx");
}

TEST_F(AppDetectionTest, BuildOutputMakesABuildScriptStatic) {
  write("package.json", R"({"scripts": {"build": "parcel build", "start": "node server.js"}})");
  make_dir("public");
  AppPlan plan = detect(with_type("", "public"));
  EXPECT_EQ(plan.type, AppType::node_static);
  EXPECT_EQ(plan.static_root, "public");
  EXPECT_TRUE(plan.build_commands.empty());
  EXPECT_EQ(plan.description, "Node.js build -> public/ served by nginx");
}

TEST_F(AppDetectionTest, UnknownBuildToolWithoutServerDefaultsToDist) {
  write("package.json", R"({"scripts": {"build": "parcel build index.html"}})");
  AppPlan plan = detect();
  EXPECT_EQ(plan.type, AppType::node_static);
  EXPECT_EQ(plan.static_root, "dist");
}

TEST_F(AppDetectionTest, NodeStaticWithoutOutputOrBuildScriptIsAnError) {
  write("package.json", R"({"scripts": {"start": "node x.js"}})");
  EXPECT_EQ(error(with_type("node-static")),
            "build.type is node-static, but dist/ does not exist and package.json has no `build` script to "
            "make it");
  make_dir("dist");
  EXPECT_EQ(detect(with_type("node-static")).type, AppType::node_static);
}

// --- Node server ---

TEST_F(AppDetectionTest, NodeStartScript) {
  write("package.json",
        R"({"scripts": {"start": "node index.js", "build": "tsc"}, "dependencies": {"x": "1"}})");
  AppPlan plan = detect();
  EXPECT_EQ(plan.type, AppType::node);
  ASSERT_EQ(plan.processes.size(), 1u);
  EXPECT_EQ(plan.processes[0].name, "web");
  EXPECT_EQ(plan.processes[0].command, "npm start");
  EXPECT_EQ(plan.description, "Node.js app (package.json start script) -> npm start");
  EXPECT_EQ(plan.build_commands, (std::vector<std::string>{"npm install", "npm run build"}));
  EXPECT_TRUE(plan.warnings.empty());

  make_dir("node_modules");
  EXPECT_TRUE(detect().build_commands.empty());
}

TEST_F(AppDetectionTest, NodeStartScriptRunningADevServerIsWarnedAbout) {
  write("package.json", R"({"scripts": {"start": "nodemon server.js"}})");
  AppPlan plan = detect();
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0].rfind("process 'web (npm start)': `nodemon` restarts on file changes", 0), 0u);
}

TEST_F(AppDetectionTest, NodeServerJsWithOrWithoutPackageJson) {
  write("server.js", "require('http')");
  AppPlan plan = detect();
  EXPECT_EQ(plan.type, AppType::node);
  EXPECT_EQ(plan.processes[0].command, "node server.js");
  EXPECT_TRUE(plan.build_commands.empty());

  write("package.json", R"({"name": "x"})");
  write("package-lock.json", "{}");
  plan = detect();
  EXPECT_EQ(plan.processes[0].command, "node server.js");
  EXPECT_EQ(plan.build_commands, (std::vector<std::string>{"npm ci"}));
}

TEST_F(AppDetectionTest, NodeMainOnlyWhenItIsAPlainPath) {
  write("package.json", R"({"main": "lib/index.js"})");
  EXPECT_EQ(detect().processes[0].command, "node lib/index.js");
  write("package.json", R"({"main": "x.js; rm -rf ~"})");
  EXPECT_EQ(error(),
            "cannot tell how to run this app: add a Procfile, or set build.type in slipway.yml "
            "(python, node, node-static, static), or a Dockerfile for target: docker");
  EXPECT_EQ(
      error(with_type("node")),
      "build.type is node, but package.json has no `start` script or `main`, and there is no server.js");
}

TEST_F(AppDetectionTest, BrokenPackageJsonIsAnError) {
  write("package.json", "{\"scripts\": {\n");
  std::string message = error();
  EXPECT_EQ(message.rfind("package.json is not valid JSON: parse error at line 2", 0), 0u) << message;
  write("package.json", "[1, 2]");
  EXPECT_EQ(error(), "package.json does not hold a JSON object");
}

// --- static ---

TEST_F(AppDetectionTest, IndexHtmlIsAStaticSite) {
  write("index.html", "<p>hi</p>");
  AppPlan plan = detect();
  EXPECT_EQ(plan.type, AppType::static_site);
  EXPECT_EQ(plan.static_root, ".");
  EXPECT_TRUE(plan.processes.empty());
  EXPECT_TRUE(plan.warnings.empty());
  EXPECT_EQ(plan.description, "Static site (index.html) -> served by nginx");
}

TEST_F(AppDetectionTest, BuildOutputIsAStaticSite) {
  write("site/index.html", "<p>hi</p>");
  AppPlan plan = detect(with_type("", "site"));
  EXPECT_EQ(plan.type, AppType::static_site);
  EXPECT_EQ(plan.static_root, "site");
  EXPECT_EQ(plan.description, "Static site (site/) -> served by nginx");
  EXPECT_EQ(error(with_type("", "missing")), "build.output 'missing' is not a directory in the release");
}

TEST_F(AppDetectionTest, BuildTypeStaticWithoutIndexWarns) {
  write("requirements.txt", "x\n");
  AppPlan plan = detect(with_type("static"));
  EXPECT_EQ(plan.type, AppType::static_site);
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0],
            "there is no index.html in the release's top folder, so requests for / will fail");
}

TEST_F(AppDetectionTest, NothingRecognisableIsAnError) {
  write("README.md", "hello");
  EXPECT_EQ(error(),
            "cannot tell how to run this app: add a Procfile, or set build.type in slipway.yml "
            "(python, node, node-static, static), or a Dockerfile for target: docker");
}

// --- development servers ---

std::vector<std::string> warnings_for(const std::string& command) {
  return dev_server_warnings({{"web", command}});
}

bool warns(const std::string& command, const std::string& fragment) {
  auto warnings = warnings_for(command);
  return warnings.size() == 1 && warnings[0].find(fragment) != std::string::npos;
}

TEST(DevServerWarnings, RecognisesDevelopmentServers) {
  EXPECT_TRUE(warns("flask --app hello run --port $PORT", "Flask's development server; use gunicorn"));
  EXPECT_TRUE(warns("python manage.py runserver 0.0.0.0:$PORT", "Django's development server"));
  EXPECT_TRUE(warns("python manage.py runserver", "gunicorn --bind 127.0.0.1:$PORT PROJECT.wsgi"));
  EXPECT_TRUE(warns("react-scripts start", "Create React App's development server"));
  EXPECT_TRUE(warns("npx vite --port $PORT", "`vite` without `build` is Vite's development server"));
  EXPECT_TRUE(warns("./node_modules/.bin/vite dev", "Vite's development server"));
  EXPECT_TRUE(warns("vite preview --port $PORT", "`vite preview` is for checking a build locally"));
  EXPECT_TRUE(warns("npm run dev", "`npm run dev` usually starts a development server"));
  EXPECT_TRUE(warns("yarn dev", "`yarn dev` usually starts a development server"));
  EXPECT_TRUE(warns("next dev -p $PORT", "Next.js's development server"));
  EXPECT_TRUE(warns("nodemon --watch src server.js", "use `node server.js`"));
  EXPECT_TRUE(warns("webpack serve --mode development", "webpack-dev-server"));
  EXPECT_TRUE(warns("webpack-dev-server", "webpack-dev-server"));
  EXPECT_TRUE(warns("ng serve --port $PORT", "Angular's development server"));
  EXPECT_TRUE(warns("python3 -m http.server $PORT", "`build: {type: static}`"));
  EXPECT_TRUE(warns("cd web && exec \"flask\" run", "Flask's development server"));
}

TEST(DevServerWarnings, LeavesProductionCommandsAlone) {
  for (const char* command :
       {"gunicorn --bind 127.0.0.1:$PORT app:app", "vite build && node server.js", "npm start",
        "node server.js", "next start -p $PORT", "npm run build", "webpack --mode production",
        "python worker.py", "./bin/flask-worker", "ng build", "python -m app.server", "echo runserver"}) {
    EXPECT_TRUE(warnings_for(command).empty()) << command;
  }
}

TEST(DevServerWarnings, NamesTheProcessAndWarnsOncePerServer) {
  auto warnings = dev_server_warnings({{"web", "flask run; flask run"}, {"assets", "vite"}});
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].rfind("process 'web': `flask run`", 0), 0u);
  EXPECT_EQ(warnings[1].rfind("process 'assets': `vite`", 0), 0u);
}

}  // namespace
}  // namespace slipway::pipeline
