// Test helpers for the PostgreSQL store's own tests (not the contract suite):
// a fixture that gives each test a fresh schema on the binary's shared server,
// with raw SQL access to it. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/internal/store_scenarios.h"
#include "meta/postgres/postgres_meta_store.h"
#include "meta/postgres/testing/postgres_server.h"

namespace strata::meta::postgres::internal {

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::SharedServer();
    ASSERT_NE(server_, nullptr);
    STRATA_ASSERT_OK_AND_ASSIGN(schema_, server_->CreateSchema());
    uri_ = server_->SchemaUri(schema_);
  }

  std::unique_ptr<PostgresMetaStore> OpenOrDie(const PostgresOptions& options = {}) {
    auto store = PostgresMetaStore::Open(uri_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Runs `sql` in this test's schema; returns the last statement's first
  // value ("" for none), failing the test on an error.
  std::string Sql(const std::string& sql) {
    std::vector<std::string> column = Column(sql);
    return column.empty() ? std::string() : column.front();
  }

  // Runs `sql` in this test's schema; returns the first column of every row
  // of the last statement, failing the test on an error.
  std::vector<std::string> Column(const std::string& sql) {
    auto result = server_->QueryColumn("SET search_path = " + schema_ + "; " + sql);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *std::move(result) : std::vector<std::string>{"<error>"};
  }

  // For the shared scenarios (meta/internal/store_scenarios.h).
  contract::RawSql RawSql() {
    return [this](const std::string& sql) { return Column(sql); };
  }
  contract::OpenStore Opener() {
    return [this]() -> common::Result<std::unique_ptr<MetaStore>> {
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<PostgresMetaStore> store,
                              PostgresMetaStore::Open(uri_));
      return std::unique_ptr<MetaStore>(std::move(store));
    };
  }

  testing::PostgresServer* server_ = nullptr;
  std::string schema_;
  std::string uri_;
};

}  // namespace strata::meta::postgres::internal
