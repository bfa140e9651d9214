// dev_server_warnings(): recognises development servers (flask run, vite, nodemon, ...) in process
// commands by their words, so that `vite build` or a path that merely contains "flask" is not flagged.
#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/app_detection.h"
#include "pipeline/quoted.h"

namespace slipway::pipeline {

namespace {

using Words = std::vector<std::string>;

// The words of each simple command in COMMAND (split at ; & | ( ) and newlines), quotes removed.
// Good enough for recognising a program and its subcommand; not a shell parser.
std::vector<Words> simple_commands(std::string_view command) {
  std::vector<Words> commands(1);
  std::string word;
  auto end_word = [&] {
    if (!word.empty()) commands.back().push_back(std::move(word));
    word.clear();
  };
  for (char c : command) {
    if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '\n') {
      end_word();
      if (!commands.back().empty()) commands.emplace_back();
    } else if (c == ' ' || c == '\t') {
      end_word();
    } else if (c != '\'' && c != '"') {
      word += c;
    }
  }
  end_word();
  return commands;
}

std::string_view base_name(std::string_view word) {
  auto slash = word.rfind('/');
  return slash == std::string_view::npos ? word : word.substr(slash + 1);
}

// The first word after position I that is not an option.
std::string_view next_argument(const Words& words, std::size_t i) {
  for (++i; i < words.size(); ++i) {
    if (!words[i].starts_with('-')) return words[i];
  }
  return {};
}

bool has_word_after(const Words& words, std::size_t i, std::string_view wanted) {
  return std::find(words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end(), wanted) != words.end();
}

bool is_python(std::string_view program) {
  return program == "python" || program.starts_with("python3") || program.starts_with("python2");
}

constexpr std::string_view serve_build_statically =
    "let nginx serve the built files (`build: {type: node-static}` in slipway.yml, and no Procfile)";

// Why the simple command WORDS starts a development server, or nothing.
std::vector<std::string> problems_in(const Words& words) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view program = base_name(words[i]);
    std::string_view argument = next_argument(words, i);
    if (program == "flask" && has_word_after(words, i, "run")) {
      problems.push_back(
          "`flask run` is Flask's development server; use gunicorn: "
          "`web: gunicorn --bind 127.0.0.1:$PORT app:app`");
    } else if ((program == "manage.py" || program == "django-admin") &&
               has_word_after(words, i, "runserver")) {
      problems.push_back(
          "`manage.py runserver` is Django's development server; use gunicorn: "
          "`web: gunicorn --bind 127.0.0.1:$PORT PROJECT.wsgi` (PROJECT: the folder that holds wsgi.py)");
    } else if (program == "react-scripts" && argument == "start") {
      problems.push_back(
          "`react-scripts start` is Create React App's development server; build with `npm run build` and " +
          std::string(serve_build_statically));
    } else if (program == "vite" && argument == "preview") {
      problems.push_back("`vite preview` is for checking a build locally, not for production; " +
                         std::string(serve_build_statically));
    } else if (program == "vite" && argument != "build" && argument != "optimize") {
      problems.push_back("`vite` without `build` is Vite's development server; build with `vite build` and " +
                         std::string(serve_build_statically));
    } else if ((program == "npm" && argument == "run" && next_argument(words, i + 1) == "dev") ||
               ((program == "yarn" || program == "pnpm") && argument == "dev")) {
      problems.push_back("`" + std::string(program) + (program == "npm" ? " run" : "") +
                         " dev` usually starts a development server; run a production server (`npm start`, "
                         "`node server.js`), or build with `npm run build` and " +
                         std::string(serve_build_statically));
    } else if (program == "next" && argument == "dev") {
      problems.push_back(
          "`next dev` is Next.js's development server; run `next build` in a step and `next start` here");
    } else if (program == "nodemon") {
      problems.push_back(
          "`nodemon` restarts on file changes and is meant for development; Slipway restarts crashed "
          "processes itself: use `node server.js` (or `npm start` without nodemon)");
    } else if ((program == "webpack" && argument == "serve") || program == "webpack-dev-server") {
      problems.push_back(
          "`webpack serve` (webpack-dev-server) is a development server; build with webpack and " +
          std::string(serve_build_statically));
    } else if (program == "ng" && argument == "serve") {
      problems.push_back(
          "`ng serve` is Angular's development server; build with `ng build` and let nginx serve the output "
          "(`build: {type: node-static, output: dist/PROJECT/browser}` in slipway.yml, and no Procfile)");
    } else if (is_python(program) && argument == "http.server") {
      problems.push_back(
          "`python -m http.server` is not meant for production; let nginx serve the files "
          "(`build: {type: static}` in slipway.yml, and no Procfile)");
    } else {
      continue;
    }
    break;  // one problem per simple command: `npx vite` is one server, not two
  }
  return problems;
}

}  // namespace

std::vector<std::string> dev_server_problems(std::string_view command) {
  std::vector<std::string> seen;
  for (const Words& words : simple_commands(command)) {
    for (std::string& problem : problems_in(words)) {
      if (std::find(seen.begin(), seen.end(), problem) == seen.end()) seen.push_back(std::move(problem));
    }
  }
  return seen;
}

std::vector<std::string> dev_server_warnings(const std::vector<ProcessCommand>& processes) {
  std::vector<std::string> warnings;
  for (const auto& process : processes) {
    for (const auto& problem : dev_server_problems(process.command)) {
      warnings.push_back("process " + pipeline::quoted(process.name) + ": " + problem);
    }
  }
  return warnings;
}

}  // namespace slipway::pipeline
