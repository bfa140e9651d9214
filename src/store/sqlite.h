// Thin RAII wrapper over the SQLite C API: a connection and prepared
// statements whose every result code is checked.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace slipway::store {

class SqliteDatabase;

class Statement {
 public:
  Statement(SqliteDatabase& db, std::string_view sql);
  Statement(Statement&&) = default;
  Statement& operator=(Statement&&) = default;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind_null(int index);

  // Advances to the next row; false when done. Throws on error.
  bool step();
  // Runs to completion (for statements without rows).
  void run();
  // Clears bindings and rewinds so the statement can run again.
  void reset();

  std::int64_t int64(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  SqliteDatabase* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

class SqliteDatabase {
 public:
  static std::unique_ptr<SqliteDatabase> open(const std::string& path);  // throws util::Error

  void exec(std::string_view sql);
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_.get()); }
  int changes() const { return sqlite3_changes(db_.get()); }
  sqlite3* handle() const { return db_.get(); }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

}  // namespace slipway::store
