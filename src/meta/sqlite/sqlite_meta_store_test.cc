#include "meta/sqlite/sqlite_meta_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"
#include "meta/migrations/migrations.h"

namespace strata::meta::sqlite {
namespace {

using common::Code;
using contract::MakeBucket;
using contract::MakeObject;
using contract::MetaStoreContractTest;

INSTANTIATE_TEST_SUITE_P(
    Sqlite, MetaStoreContractTest,
    ::testing::Values(contract::MetaStoreContractParam{
        "Sqlite",
        [](const std::filesystem::path& dir) -> common::Result<std::unique_ptr<MetaStore>> {
          auto store = SqliteMetaStore::Open((dir / "meta.db").string());
          if (!store.ok()) return store.status();
          return std::unique_ptr<MetaStore>(std::move(store).value());
        }}),
    contract::MetaStoreContractParamName);

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
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> values;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      values.emplace_back(text ? text : "");
    }
    sqlite3_finalize(stmt);
    return values;
  }
  sqlite3* raw() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteMetaStoreTest : public ::testing::Test {
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

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteMetaStoreTest, CreatesWalDatabaseWithSchema) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  RawDb raw(path_);
  EXPECT_EQ(raw.Column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_EQ(raw.Column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
            (std::vector<std::string>{"buckets", "objects", "schema_migrations"}));
  EXPECT_EQ(raw.Column("SELECT version || ':' || name FROM schema_migrations"),
            std::vector<std::string>{"1:buckets_objects"});
}

TEST_F(SqliteMetaStoreTest, ReopenKeepsDataAndDoesNotRerunMigrations) {
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
    STRATA_ASSERT_OK(store->PutObject(MakeObject("b", "k"), {}));
  }
  // Mark the recorded migration so a second application would be visible.
  { RawDb(path_).Exec("UPDATE schema_migrations SET applied_at_ms = 42"); }
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord object, store->GetObject("b", "k"));
    EXPECT_TRUE(contract::SameRecord(MakeObject("b", "k"), object));
  }
  EXPECT_EQ(RawDb(path_).Column("SELECT applied_at_ms FROM schema_migrations"),
            std::vector<std::string>{"42"});
}

TEST_F(SqliteMetaStoreTest, RefusesNewerSchema) {
  { ASSERT_NE(OpenOrDie(), nullptr); }
  const int64_t future = LatestSchemaVersion() + 1;
  RawDb(path_).Exec("INSERT INTO schema_migrations VALUES (" + std::to_string(future) +
                    ", 'from_the_future', 0)");
  auto store = SqliteMetaStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kInvalidArgument);
  EXPECT_NE(store.status().message().find("newer than this Strata build"), std::string::npos)
      << store.status().ToString();
}

TEST_F(SqliteMetaStoreTest, RefusesDivergedHistory) {
  { ASSERT_NE(OpenOrDie(), nullptr); }
  RawDb(path_).Exec("UPDATE schema_migrations SET name = 'something_else' WHERE version = 1");
  auto store = SqliteMetaStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kCorruption) << store.status().ToString();
}

TEST_F(SqliteMetaStoreTest, RefusesAFileThatIsNotADatabase) {
  FILE* file = fopen(path_.c_str(), "w");
  ASSERT_NE(file, nullptr);
  fputs("this is not an SQLite database, not even close, and it is long enough", file);
  fclose(file);
  auto store = SqliteMetaStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kCorruption) << store.status().ToString();
}

TEST_F(SqliteMetaStoreTest, RefusesAMissingDirectory) {
  auto store = SqliteMetaStore::Open((dir_ / "no-such-dir" / "meta.db").string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kInternal) << store.status().ToString();
}

TEST_F(SqliteMetaStoreTest, RejectsBadOptions) {
  EXPECT_EQ(SqliteMetaStore::Open(path_, {.read_connections = 0}).status().code(),
            Code::kInvalidArgument);
}

TEST_F(SqliteMetaStoreTest, RejectsMetadataThatIsNotUtf8) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  ObjectRecord object = MakeObject("b", "k");
  object.user_metadata = {{"bad", "\xff\xfe"}};
  STRATA_EXPECT_CODE(store->PutObject(object, {}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(store->GetObject("b", "k"), Code::kNoSuchKey);
}

TEST_F(SqliteMetaStoreTest, ReportsCorruptRows) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store->PutObject(MakeObject("b", "k"), {}));
  RawDb(path_).Exec("UPDATE objects SET user_metadata = '{oops'");
  STRATA_EXPECT_CODE(store->GetObject("b", "k"), Code::kCorruption);
  STRATA_EXPECT_CODE(store->ListObjects("b", {}), Code::kCorruption);
  // A damaged row can still be replaced and deleted, and the caller still
  // learns its data_ref to release the body.
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> replaced,
                              store->PutObject(MakeObject("b", "k"), {}));
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->data_ref, "ref:k");
  EXPECT_TRUE(replaced->user_metadata.empty());
  STRATA_EXPECT_OK(store->GetObject("b", "k"));
  RawDb(path_).Exec("UPDATE objects SET system_metadata = 'null'");
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> deleted, store->DeleteObject("b", "k"));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->data_ref, "ref:k");
  STRATA_EXPECT_CODE(store->GetObject("b", "k"), Code::kNoSuchKey);
}

TEST_F(SqliteMetaStoreTest, ConcurrentWritersAllLand) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> failures = 0;
  std::atomic<bool> writing = true;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = "w" + std::to_string(t) + "/" + std::to_string(i);
        if (!store->PutObject(MakeObject("b", key), {}).ok()) ++failures;
      }
    });
  }
  // Readers list at the same time; every page must be well-formed.
  std::thread reader([&] {
    while (writing) {
      auto page = store->ListObjects("b", {.delimiter = "/"});
      if (!page.ok() || page->truncated) ++failures;
    }
  });
  for (std::thread& thread : threads) thread.join();
  writing = false;
  reader.join();
  EXPECT_EQ(failures, 0);

  int total = 0;
  ListQuery query{.max_keys = 333};
  while (true) {
    STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store->ListObjects("b", query));
    total += static_cast<int>(page.objects.size());
    if (!page.truncated) break;
    query.start_after = page.last_entry;
  }
  EXPECT_EQ(total, kThreads * kPerThread);
  // And they survive a reopen.
  store.reset();
  EXPECT_EQ(RawDb(path_).Column("SELECT count(*) FROM objects"),
            std::vector<std::string>{std::to_string(kThreads * kPerThread)});
}

}  // namespace
}  // namespace strata::meta::sqlite
