// Tests for parse_pipeline(): the top level, `steps:` and `build:`. `deploy:` is tested in
// environment_validation_test.cpp, the limits on hostile input in yaml_loader_test.cpp.
#include "pipeline/pipeline_file.h"

#include <gtest/gtest.h>

#include <string>

namespace slipway::pipeline {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

std::string errors(std::string_view text) {
  auto pipeline = parse_pipeline(text);
  return pipeline ? "(no error)" : pipeline.error();
}

PipelineFile parsed(std::string_view text) {
  auto pipeline = parse_pipeline(text);
  EXPECT_TRUE(pipeline) << pipeline.error();
  return pipeline ? *pipeline : PipelineFile{};
}

// The example of docs/DESIGN.md, verbatim.
constexpr std::string_view design_example = R"(steps:                        # the CI half: a DAG of steps
  build:
    run: make -j2             # a string or a list; run by /bin/sh -e in the workspace
    env: {CFLAGS: -O2}
    timeout: 10m
    artifacts: [dist/]        # kept with the run; a deploy ships the workspace (or these)
  test:
    needs: [build]            # default: the step before it in the file
    run: make test
    image: localhost:5000/py  # optional: run inside this container image
    when: {branch: [main, "release/*"]}

deploy:                       # the CD half: one entry per environment
  staging:
    target: local             # local | ssh | docker | compose | kubernetes
    branch: main              # pushes to this branch deploy here (default: default branch)
    health: {path: /healthz, timeout: 30s}
  production:
    after: staging            # promotes the release that is live on staging
    approval: manual          # waits for `slipway approve` or the dashboard button
    target: ssh
    hosts: [deploy@web1, deploy@web2]
    path: /srv/myapp
    batch: 1                  # rolling: hosts switched at a time
    keep: 5                   # releases kept for rollback
)";

TEST(PipelineFile, DesignExampleParses) {
  PipelineFile pipeline = parsed(design_example);
  ASSERT_EQ(pipeline.steps.size(), 2u);
  const Step& build = pipeline.steps[0];
  EXPECT_EQ(build.name, "build");
  EXPECT_EQ(build.line, 2);
  EXPECT_EQ(build.script(), "make -j2");
  ASSERT_EQ(build.env.size(), 1u);
  EXPECT_EQ(build.env[0].name, "CFLAGS");
  EXPECT_EQ(build.env[0].value, "-O2");
  EXPECT_EQ(build.timeout, minutes(10));
  EXPECT_EQ(build.artifacts, std::vector<std::string>{"dist/"});
  EXPECT_TRUE(build.needs.empty());
  EXPECT_TRUE(build.need_indices.empty());

  const Step& test = pipeline.steps[1];
  EXPECT_EQ(test.needs, std::vector<std::string>{"build"});
  EXPECT_EQ(test.need_indices, std::vector<std::size_t>{0});
  EXPECT_EQ(test.image, "localhost:5000/py");
  EXPECT_EQ(test.when.patterns, (std::vector<std::string>{"main", "release/*"}));
  EXPECT_FALSE(test.timeout);

  ASSERT_EQ(pipeline.environments.size(), 2u);
  EXPECT_EQ(pipeline.environments[0].name, "staging");
  EXPECT_EQ(pipeline.environments[0].health.path, "/healthz");
  EXPECT_EQ(pipeline.environments[0].health.timeout, seconds(30));
  EXPECT_EQ(pipeline.environments[1].target, Target::ssh);
  EXPECT_EQ(pipeline.environments[1].after, "staging");
  EXPECT_TRUE(pipeline.environments[1].manual_approval);
  EXPECT_EQ(pipeline.environments[1].hosts, (std::vector<std::string>{"deploy@web1", "deploy@web2"}));
  EXPECT_EQ(pipeline.environments[1].line, 18);
}

TEST(PipelineFile, StepNeedsTheOneBeforeItUnlessItSaysOtherwise) {
  PipelineFile pipeline = parsed(R"(steps:
  a: {run: x}
  b: {run: y}
  c: {run: z, needs: []}
  d: {run: w, needs: a}
  e: {run: v, needs: [f, a, f]}
  f: {run: u, needs: []}
)");
  ASSERT_EQ(pipeline.steps.size(), 6u);
  EXPECT_TRUE(pipeline.steps[0].need_indices.empty());
  EXPECT_EQ(pipeline.steps[1].needs, std::vector<std::string>{"a"});
  EXPECT_EQ(pipeline.steps[1].need_indices, std::vector<std::size_t>{0});
  EXPECT_TRUE(pipeline.steps[2].needs.empty());
  EXPECT_EQ(pipeline.steps[3].need_indices, std::vector<std::size_t>{0});
  EXPECT_EQ(pipeline.steps[4].needs, (std::vector<std::string>{"f", "a"}));
  EXPECT_EQ(pipeline.steps[4].need_indices, (std::vector<std::size_t>{5, 0}));
  EXPECT_TRUE(pipeline.steps[5].need_indices.empty());
}

TEST(PipelineFile, RunListAndScalarValues) {
  PipelineFile pipeline = parsed(R"(steps:
  build:
    run:
      - ./configure
      - make
      - 42
    env: {RETRIES: 3, DEBUG: false, EMPTY: "", RATIO: 1.5}
    timeout: 1h30m
)");
  const Step& build = pipeline.steps.at(0);
  EXPECT_EQ(build.commands, (std::vector<std::string>{"./configure", "make", "42"}));
  EXPECT_EQ(build.script(), "./configure\nmake\n42");
  ASSERT_EQ(build.env.size(), 4u);
  EXPECT_EQ(build.env[0].value, "3");
  EXPECT_EQ(build.env[1].value, "false");
  EXPECT_EQ(build.env[2].value, "");
  EXPECT_EQ(build.env[3].value, "1.5");
  EXPECT_EQ(build.timeout, minutes(90));
}

TEST(PipelineFile, ServicesAndBuildSettingsAndPipelineWhen) {
  PipelineFile pipeline = parsed(R"(when: {branch: "**"}
build:
  type: node-static
  output: dist
  base_images: {node: "node:20"}
steps:
  test:
    image: node:20
    services:
      db: {image: "postgres:16", env: {POSTGRES_PASSWORD: test}}
    run: npm test
)");
  EXPECT_EQ(pipeline.when.patterns, std::vector<std::string>{"**"});
  EXPECT_EQ(pipeline.build.type, "node-static");
  EXPECT_EQ(pipeline.build.output, "dist");
  ASSERT_EQ(pipeline.build.base_images.size(), 1u);
  EXPECT_EQ(pipeline.build.base_images[0].name, "node");
  EXPECT_EQ(pipeline.build.base_images[0].value, "node:20");
  const Step& test = pipeline.steps.at(0);
  ASSERT_EQ(test.services.size(), 1u);
  EXPECT_EQ(test.services[0].name, "db");
  EXPECT_EQ(test.services[0].image, "postgres:16");
  EXPECT_EQ(test.services[0].env.at(0).name, "POSTGRES_PASSWORD");
}

TEST(PipelineFile, AnchorsAndExtensionKeys) {
  PipelineFile pipeline = parsed(R"(x-env: &env {A: "1"}
steps:
  a: &step {run: [echo a], env: *env}
  b: *step
)");
  ASSERT_EQ(pipeline.steps.size(), 2u);
  EXPECT_EQ(pipeline.steps[1].script(), "echo a");
  EXPECT_EQ(pipeline.steps[1].env.at(0).value, "1");
}

// --- the top level ---

TEST(PipelineFile, UnknownTopLevelKey) {
  EXPECT_EQ(
      errors("stepz: {}\nsteps: {a: {run: x}}\n"),
      "slipway.yml:1:1: unknown key 'stepz' (did you mean 'steps'?); valid keys: steps, deploy, when, build, on, "
      "status, notify "
      "(and any key starting with 'x-')");
  EXPECT_EQ(errors("steps: {a: {run: x}}\nartifacts: []\n"),
            "slipway.yml:2:1: unknown key 'artifacts'; valid keys: steps, deploy, when, build, on, status, notify "
            "(and any key starting with 'x-')");
}

TEST(PipelineFile, StepsAreRequired) {
  EXPECT_EQ(errors("deploy: {}\n"), "slipway.yml:1:1: missing required key 'steps'");
  EXPECT_EQ(errors(""), "slipway.yml:1:1: the file is empty; it needs at least 'steps'");
  EXPECT_EQ(errors("# nothing\n"), "slipway.yml:1:1: the file is empty; it needs at least 'steps'");
  EXPECT_EQ(errors("steps: {}\n"), "slipway.yml:1:8: 'steps' needs at least one step");
  EXPECT_EQ(errors("steps:\n"), "slipway.yml:1:1: expected a mapping for 'steps', got nothing");
  EXPECT_EQ(errors("steps: [a, b]\n"), "slipway.yml:1:8: expected a mapping for 'steps', got a sequence");
}

TEST(PipelineFile, TopLevelMustBeAMapping) {
  EXPECT_EQ(errors("- a\n- b\n"), "slipway.yml:1:1: expected a mapping at the top level, got a sequence");
  EXPECT_EQ(errors("hello\n"), "slipway.yml:1:1: expected a mapping at the top level, got a string");
}

TEST(PipelineFile, YamlSyntaxError) {
  // yaml-cpp reports where it noticed the problem: here, at the end of the file.
  EXPECT_EQ(errors("steps:\n  a: {run: [x\n"),
            "slipway.yml:3:1: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(errors("steps:\n  a:\n\trun: x\n"), "slipway.yml:3:2: invalid YAML: end of map not found");
  EXPECT_EQ(errors("steps: {a: {run: x}}\n  - b\n"), "slipway.yml:2:3: invalid YAML: end of map not found");
}

TEST(PipelineFile, OnlyOneDocument) {
  EXPECT_EQ(errors("steps: {a: {run: x}}\n---\nsteps: {}\n"),
            "slipway.yml:2:1: only one YAML document is allowed");
}

TEST(PipelineFile, DuplicateAndNonStringKeys) {
  EXPECT_EQ(errors("steps:\n  a: {run: x}\n  a: {run: y}\n"), "slipway.yml:3:3: duplicate key 'a'");
  EXPECT_EQ(errors("steps:\n  ? [a, b]\n  : {run: x}\n  c: {run: y}\n"),
            "slipway.yml:2:5: expected a string as key, got a sequence");
  EXPECT_EQ(errors("x-base: &base {run: x}\nsteps:\n  a:\n    <<: *base\n"),
            "slipway.yml:3:3: step 'a' has no 'run'\n"
            "slipway.yml:4:5: YAML merge keys ('<<') are not supported; repeat the keys instead");
}

TEST(PipelineFile, ErrorsUseTheGivenFileNameAndComeInFileOrder) {
  auto pipeline = parse_pipeline(R"(steps:
  b:
    run: x
    needs: [c]
    timeout: 5
  a:
    runs: y
)",
                                 "app/slipway.yml");
  ASSERT_FALSE(pipeline);
  EXPECT_EQ(pipeline.error(),
            "app/slipway.yml:4:13: step 'b' needs unknown step 'c'\n"
            "app/slipway.yml:5:14: 'timeout': duration '5' has no unit; add one: ms, s, m or h (e.g. 5s)\n"
            "app/slipway.yml:6:3: step 'a' has no 'run'\n"
            "app/slipway.yml:7:5: unknown key 'runs' in step 'a' (did you mean 'run'?); valid keys: run, "
            "needs, env, "
            "timeout, when, artifacts, image, services");
}

// --- steps ---

TEST(PipelineFile, StepNames) {
  EXPECT_EQ(errors("steps:\n  \"build it\": {run: x}\n"),
            "slipway.yml:2:3: invalid step name 'build it': use up to 64 letters, digits, '_', '.' and '-', "
            "starting with a letter or digit");
  EXPECT_EQ(errors("steps:\n  .hidden: {run: x}\n"),
            "slipway.yml:2:3: invalid step name '.hidden': use up to 64 letters, digits, '_', '.' and '-', "
            "starting with a letter or digit");
  std::string long_name(65, 'a');
  EXPECT_EQ(errors("steps:\n  " + long_name + ": {run: x}\n"),
            "slipway.yml:2:3: invalid step name '" + long_name.substr(0, 64) +
                "...': use up to 64 letters, digits, '_', '.' and '-', starting with a letter or digit");
  // Names are quoted so that the report stays one problem per line.
  EXPECT_EQ(
      errors("steps:\n  \"a\\nb\": {run: x}\n"),
      "slipway.yml:2:3: invalid step name 'a\\nb': use up to 64 letters, digits, '_', '.' and '-', starting "
      "with a letter or digit");
  EXPECT_EQ(errors("steps:\n  " + std::string(64, 'a') + ": {run: x}\n  v1.2_x-y: {run: y}\n"), "(no error)");
}

TEST(PipelineFile, StepMustBeAMapping) {
  EXPECT_EQ(
      errors("steps:\n  build: make\n"),
      "slipway.yml:2:10: expected a mapping for step 'build', got a string (put the command under 'run:')");
  EXPECT_EQ(errors("steps:\n  build: [make]\n"),
            "slipway.yml:2:10: expected a mapping for step 'build', got a sequence");
}

TEST(PipelineFile, RunIsRequiredAndNotEmpty) {
  EXPECT_EQ(errors("steps:\n  a: {image: x}\n"), "slipway.yml:2:3: step 'a' has no 'run'");
  EXPECT_EQ(errors("steps:\n  a: {run: \"\"}\n"), "slipway.yml:2:12: empty run");
  EXPECT_EQ(errors("steps:\n  a: {run: \"  \"}\n"), "slipway.yml:2:12: empty run");
  EXPECT_EQ(errors("steps:\n  a:\n    run:\n"), "slipway.yml:3:5: empty run");
  EXPECT_EQ(errors("steps:\n  a: {run: []}\n"), "slipway.yml:2:12: empty run");
  EXPECT_EQ(errors("steps:\n  a: {run: [x, \" \"]}\n"), "slipway.yml:2:16: empty run command");
  EXPECT_EQ(errors("steps:\n  a: {run: [x, [y]]}\n"),
            "slipway.yml:2:16: expected a string in 'run', got a sequence");
  EXPECT_EQ(errors("steps:\n  a: {run: {x: y}}\n"),
            "slipway.yml:2:12: expected a string or a sequence for 'run', got a mapping");
}

TEST(PipelineFile, NeedsMustNameOtherSteps) {
  EXPECT_EQ(errors("steps:\n  a: {run: x, needs: [a]}\n"), "slipway.yml:2:23: step 'a' needs itself");
  EXPECT_EQ(errors("steps:\n  a: {run: x}\n  b: {run: x, needs: nope}\n"),
            "slipway.yml:3:22: step 'b' needs unknown step 'nope'");
  EXPECT_EQ(errors("steps:\n  a: {run: x}\n  b:\n    run: x\n    needs:\n"),
            "slipway.yml:5:5: 'needs' has no value; write 'needs: []' for a step that needs nothing");
  EXPECT_EQ(errors("steps:\n  a: {run: x, needs: {b: c}}\n"),
            "slipway.yml:2:22: expected a string or a sequence for 'needs', got a mapping");
}

TEST(PipelineFile, DependencyCycles) {
  EXPECT_EQ(errors(R"(steps:
  a: {run: x, needs: [c]}
  b: {run: x, needs: [a]}
  c: {run: x, needs: [b]}
  d: {run: x, needs: []}
)"),
            "slipway.yml:2:3: dependency cycle: a -> c -> b -> a");
  // `b` needs `a` only because it comes after it.
  EXPECT_EQ(
      errors("steps:\n  a: {run: x, needs: b}\n  b: {run: x}\n"),
      "slipway.yml:2:3: dependency cycle: a -> b -> a (a step without 'needs' needs the step before it)");
}

TEST(PipelineFile, InvalidNamesInACycleAreQuoted) {
  // Found by the fuzzer: a raw newline in a name split the cycle message over two lines.
  std::string report = errors("steps:\n  \"a\\nb\": {run: x, needs: c}\n  c: {run: y}\n");
  EXPECT_NE(report.find("slipway.yml:2:3: dependency cycle: 'a\\nb' -> c -> 'a\\nb' (a step without"),
            std::string::npos)
      << report;
}

TEST(PipelineFile, LongCyclesAreAbbreviated) {
  std::string text = "steps:\n";
  for (int i = 0; i < 30; ++i)
    text += "  s" + std::to_string(i) + ": {run: x, needs: s" + std::to_string((i + 1) % 30) + "}\n";
  EXPECT_EQ(errors(text),
            "slipway.yml:2:3: dependency cycle: s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> s8 -> s9 -> "
            "... (20 more) -> s0");
}

TEST(PipelineFile, StepEnv) {
  EXPECT_EQ(errors("steps:\n  a: {run: x, env: [A]}\n"),
            "slipway.yml:2:20: expected a mapping for 'env', got a sequence");
  EXPECT_EQ(errors("steps:\n  a: {run: x, env: A=1}\n"),
            "slipway.yml:2:20: expected a mapping for 'env', got a string");
  EXPECT_EQ(
      errors("steps:\n  a: {run: x, env: {1A: x, A-B: y}}\n"),
      "slipway.yml:2:21: invalid environment variable name '1A': use letters, digits and '_', not starting "
      "with a digit\n"
      "slipway.yml:2:28: invalid environment variable name 'A-B': use letters, digits and '_', not starting "
      "with a digit");
  EXPECT_EQ(errors("steps:\n  a: {run: x, env: {SLIPWAY_RUN: x}}\n"),
            "slipway.yml:2:21: environment variable 'SLIPWAY_RUN' is reserved: names starting with SLIPWAY_ "
            "are set "
            "by Slipway");
  EXPECT_EQ(errors("steps:\n  a:\n    run: x\n    env:\n      A:\n"),
            "slipway.yml:5:7: environment variable 'A' has no value; write \"\" for an empty one");
  EXPECT_EQ(errors("steps:\n  a: {run: x, env: {A: [1]}}\n"),
            "slipway.yml:2:24: expected a string for environment variable 'A', got a sequence");
  EXPECT_EQ(errors("steps:\n  a: {run: x, env: {_ok: 1, slipway_lower: 2}}\n"), "(no error)");
}

TEST(PipelineFile, StepTimeout) {
  EXPECT_EQ(errors("steps:\n  a: {run: x, timeout: 30}\n"),
            "slipway.yml:2:24: 'timeout': duration '30' has no unit; add one: ms, s, m or h (e.g. 30s)");
  EXPECT_EQ(errors("steps:\n  a: {run: x, timeout: 0s}\n"),
            "slipway.yml:2:24: 'timeout': duration '0s' must be greater than zero");
  EXPECT_EQ(
      errors("steps:\n  a: {run: x, timeout: 8d}\n"),
      "slipway.yml:2:24: 'timeout': invalid duration '8d': unknown unit 'd'; use a number with a unit: ms, "
      "s, m or h (e.g. 30s, 10m, 1h30m)");
  EXPECT_EQ(errors("steps:\n  a: {run: x, timeout: 200h}\n"),
            "slipway.yml:2:24: 'timeout': duration '200h' is too long (at most 7 days)");
  EXPECT_EQ(errors("steps:\n  a: {run: x, timeout: [1s]}\n"),
            "slipway.yml:2:24: expected a string for 'timeout', got a sequence");
}

TEST(PipelineFile, StepWhen) {
  EXPECT_EQ(errors("steps:\n  a: {run: x, when: main}\n"),
            "slipway.yml:2:21: expected a mapping for 'when', got a string");
  EXPECT_EQ(errors("steps:\n  a: {run: x, when: {tag: v1}}\n"),
            "slipway.yml:2:22: unknown key 'tag' in 'when'; valid keys: branch");
  EXPECT_EQ(errors("steps:\n  a: {run: x, when: {branch: [main, \"a b\"]}}\n"),
            "slipway.yml:2:37: invalid branch pattern 'a b': no spaces or control characters, at most 255 "
            "characters");
  EXPECT_EQ(errors("steps:\n  a: {run: x, when: {branch: []}}\n"), "slipway.yml:2:30: 'branch' is empty");
  EXPECT_EQ(errors("when: {branches: main}\nsteps:\n  a: {run: x}\n"),
            "slipway.yml:1:8: unknown key 'branches' in 'when' (did you mean 'branch'?); valid keys: branch");
}

TEST(PipelineFile, StepArtifacts) {
  EXPECT_EQ(errors("steps:\n  a: {run: x, artifacts: /etc/passwd}\n"),
            "slipway.yml:2:26: invalid path '/etc/passwd' in 'artifacts': must be a relative path");
  EXPECT_EQ(errors("steps:\n  a: {run: x, artifacts: [dist, ../secrets]}\n"),
            "slipway.yml:2:33: invalid path '../secrets' in 'artifacts': must not contain '..'");
  EXPECT_EQ(errors("steps:\n  a: {run: x, artifacts: {dist: 1}}\n"),
            "slipway.yml:2:26: expected a string or a sequence for 'artifacts', got a mapping");
  EXPECT_EQ(errors("steps:\n  a: {run: x, artifacts: [dist, {b: c}]}\n"),
            "slipway.yml:2:33: expected a string in 'artifacts', got a mapping");
}

TEST(PipelineFile, StepImage) {
  EXPECT_EQ(errors("steps:\n  a: {run: x, image: \"--privileged\"}\n"),
            "slipway.yml:2:22: invalid image '--privileged': no spaces, and it may not start with '-'");
  EXPECT_EQ(errors("steps:\n  a: {run: x, image: \"\"}\n"), "slipway.yml:2:22: 'image' is empty");
  EXPECT_EQ(errors("steps:\n  a: {run: x, image: {name: y}}\n"),
            "slipway.yml:2:22: expected a string for 'image', got a mapping");
}

TEST(PipelineFile, StepServices) {
  EXPECT_EQ(errors("steps:\n  a: {run: x, image: i, services: {db: {env: {A: b}}}}\n"),
            "slipway.yml:2:36: service 'db' has no 'image'");
  EXPECT_EQ(errors("steps:\n  a: {run: x, image: i, services: {db: {image: p, port: 5432}}}\n"),
            "slipway.yml:2:51: unknown key 'port' in service 'db'; valid keys: image, env");
  EXPECT_EQ(errors("steps:\n  a: {run: x, services: {db: {image: p}}}\n"),
            "slipway.yml:2:15: 'services' needs the step to have an 'image'");
  EXPECT_EQ(errors("steps:\n  a: {run: x, image: i, services: [db]}\n"),
            "slipway.yml:2:35: expected a mapping for 'services', got a sequence");
  EXPECT_EQ(errors("steps:\n  a: {run: x, image: i, services: {db: postgres}}\n"),
            "slipway.yml:2:40: expected a mapping for 'db', got a string");
  EXPECT_EQ(errors("steps:\n  a: {run: x, image: i, services: {\"d b\": {image: p}}}\n"),
            "slipway.yml:2:36: invalid service name 'd b': use up to 64 letters, digits, '_', '.' and '-', "
            "starting "
            "with a letter or digit");
}

TEST(PipelineFile, Build) {
  EXPECT_EQ(errors("build: {type: rust}\nsteps: {a: {run: x}}\n"),
            "slipway.yml:1:15: unknown build type 'rust'; valid types: python, node, node-static, static");
  EXPECT_EQ(
      errors("build: {type: nodejs}\nsteps: {a: {run: x}}\n"),
      "slipway.yml:1:15: unknown build type 'nodejs' (did you mean 'node'?); valid types: python, node, "
      "node-static, static");
  EXPECT_EQ(
      errors("build: {type: python3}\nsteps: {a: {run: x}}\n"),
      "slipway.yml:1:15: unknown build type 'python3' (did you mean 'python'?); valid types: python, node, "
      "node-static, static");
  EXPECT_EQ(errors("build: {output: /srv/www}\nsteps: {a: {run: x}}\n"),
            "slipway.yml:1:17: invalid 'output' '/srv/www': must be a relative path");
  EXPECT_EQ(errors("build: {base_images: {node: [a]}}\nsteps: {a: {run: x}}\n"),
            "slipway.yml:1:29: expected a string for 'node', got a sequence");
  EXPECT_EQ(errors("build: {base_images: [node]}\nsteps: {a: {run: x}}\n"),
            "slipway.yml:1:22: expected a mapping for 'base_images', got a sequence");
  EXPECT_EQ(errors("build: {typ: node}\nsteps: {a: {run: x}}\n"),
            "slipway.yml:1:9: unknown key 'typ' in 'build' (did you mean 'type'?); valid keys: type, output, "
            "base_images");
  EXPECT_EQ(errors("build: python\nsteps: {a: {run: x}}\n"),
            "slipway.yml:1:8: expected a mapping for 'build', got a string");
}

TEST(PipelineFile, NulBytesAreRefused) {
  EXPECT_EQ(errors("steps:\n  a: {run: \"echo \\x00 rm -rf /\"}\n"),
            "slipway.yml:2:12: string contains a NUL byte");
}

}  // namespace
}  // namespace slipway::pipeline
