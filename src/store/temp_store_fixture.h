// Test fixture shared by the store's tests: a SqliteStore in a fresh
// temporary directory, removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite_store.h"

namespace slipway::store {

class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-store-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/slipway.db";
    auto opened = SqliteStore::open(path_);
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Project project(const std::string& name) {
    Project p;
    p.name = name;
    return store_->create_project(p);
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace slipway::store
