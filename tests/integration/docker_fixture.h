// The fixture of the end-to-end tests that need the Docker engine: the
// daemon as in SlipwayTest, the test skipped (or failed, under the test
// script) without an engine, and everything its daemon made on the engine
// removed afterwards.
#pragma once

#include <string>
#include <vector>

#include "daemon_fixture.h"
#include "docker_engine.h"
#include "util/crypto.h"

namespace slipway::testing {

class DockerTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    if (auto why = docker_unavailable(); !why.empty()) {
      if (docker_required()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    start_daemon();
  }

  void TearDown() override {
    SlipwayTest::TearDown();
    remove_docker_leftovers(home_, compose_projects_);
  }

  // "slipway.home=LABEL": what the daemon's containers, networks and images carry.
  std::string home_label() const { return "slipway.home=" + util::sha256_hex(home_).substr(0, 12); }
  // The containers of this test's daemon (with LABEL too, when given).
  std::vector<std::string> our_containers(const std::string& label = "") {
    return containers_labelled(home_label(), label);
  }

  std::vector<std::string> compose_projects_;  // removed with their containers and networks
};

}  // namespace slipway::testing
