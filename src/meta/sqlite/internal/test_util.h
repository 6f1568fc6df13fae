// Test helpers for the SQLite store's own tests (not the contract suite):
// raw access to the database file and a fixture that opens stores on a fresh
// path. Test-only.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/internal/store_scenarios.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::sqlite::internal {

// Direct access to the database file, to inspect and tamper with it.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "") << " in " << sql;
    sqlite3_free(error);
  }
  // The first column of every row of `sql`, as text.
  std::vector<std::string> Column(const std::string& sql) { return Texts(sql, 0); }
  // SQLite's plan for `sql`: the detail column of EXPLAIN QUERY PLAN, one
  // step per entry.
  std::vector<std::string> QueryPlan(const std::string& sql) {
    return Texts("EXPLAIN QUERY PLAN " + sql, 3);
  }
  sqlite3* raw() { return db_; }

 private:
  // Column `column` of every row of `sql`, as text.
  std::vector<std::string> Texts(const std::string& sql, int column) {
    std::vector<std::string> values;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      values.emplace_back(text ? text : "");
    }
    EXPECT_EQ(step, SQLITE_DONE) << sqlite3_errmsg(db_) << " in " << sql;
    sqlite3_finalize(stmt);
    return values;
  }

  sqlite3* db_ = nullptr;
};

// A fresh directory per test, with the database path in it.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "strata-sqlite-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "meta.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::unique_ptr<SqliteMetaStore> OpenOrDie(const SqliteOptions& options = {}) {
    auto store = SqliteMetaStore::Open(path_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // For the shared scenarios (meta/internal/store_scenarios.h).
  contract::RawSql RawSql() {
    return [this](const std::string& sql) { return RawDb(path_).Column(sql); };
  }
  contract::OpenStore Opener() {
    return [this]() -> common::Result<std::unique_ptr<MetaStore>> {
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<SqliteMetaStore> store, SqliteMetaStore::Open(path_));
      return std::unique_ptr<MetaStore>(std::move(store));
    };
  }

  std::filesystem::path dir_;
  std::string path_;
};

}  // namespace strata::meta::sqlite::internal
