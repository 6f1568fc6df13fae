#include "meta/postgres/postgres_meta_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"
#include "meta/migrations/migrations.h"
#include "meta/postgres/internal/test_util.h"
#include "meta/postgres/testing/postgres_server.h"

namespace strata::meta::postgres {
namespace {

using common::Code;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using contract::MetaStoreContractTest;
using PostgresMetaStoreTest = internal::PostgresStoreTest;

// Every contract test on a fresh schema of the binary's one server.
INSTANTIATE_TEST_SUITE_P(
    Postgres, MetaStoreContractTest,
    ::testing::Values(contract::MetaStoreContractParam{
        "Postgres",
        [](const std::filesystem::path&) -> common::Result<std::unique_ptr<MetaStore>> {
          testing::PostgresServer* server = testing::SharedServer();
          if (server == nullptr) return common::Error(Code::kUnavailable, "no PostgreSQL server");
          STRATA_ASSIGN_OR_RETURN(std::string uri, server->FreshSchemaUri());
          STRATA_ASSIGN_OR_RETURN(std::unique_ptr<PostgresMetaStore> store,
                                  PostgresMetaStore::Open(uri));
          return std::unique_ptr<MetaStore>(std::move(store));
        }}),
    contract::MetaStoreContractParamName);

std::string AppliedMigrations() {
  std::string all;
  for (const Migration& migration : Migrations()) {
    all += (all.empty() ? "" : ",") + std::to_string(migration.version) + ":" +
           std::string(migration.name);
  }
  return all;
}

TEST_F(PostgresMetaStoreTest, CreatesSchemaAndRecordsEachMigrationOnce) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(
      Sql("SELECT string_agg(table_name, ',' ORDER BY table_name)"
          " FROM information_schema.tables WHERE table_schema = current_schema()"),
      "access_keys,audit_log,buckets,chunks,deployment,group_members,groups,multipart_parts,"
      "multipart_uploads,"
      "object_versions,objects,policies,policy_attachments,refresh_tokens,schema_migrations,users");
  EXPECT_EQ(Sql("SELECT string_agg(version || ':' || name, ',' ORDER BY version)"
                " FROM schema_migrations"),
            AppliedMigrations());
}

TEST_F(PostgresMetaStoreTest, ReopenKeepsDataAndDoesNotRerunMigrations) {
  contract::ExpectReopenKeepsDataAndMigrations(Opener(), RawSql());
}

// Nodes starting together: every Open succeeds and each migration is
// applied (and recorded) once, without advisory locks.
TEST_F(PostgresMetaStoreTest, ConcurrentOpensApplyMigrationsOnce) {
  constexpr int kNodes = 6;
  std::atomic<int> failures = 0;
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.emplace_back([&] {
      auto store = PostgresMetaStore::Open(uri_, {.connections = 1});
      if (!store.ok()) {
        ADD_FAILURE() << store.status().ToString();
        ++failures;
      }
    });
  }
  for (std::thread& node : nodes) node.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Sql("SELECT string_agg(version || ':' || name, ',' ORDER BY version)"
                " FROM schema_migrations"),
            AppliedMigrations());
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_EXPECT_OK(store->CreateBucket(MakeBucket("works")));
}

TEST_F(PostgresMetaStoreTest, RefusesNewerSchema) {
  contract::ExpectNewerSchemaRefused(Opener(), RawSql());
}

TEST_F(PostgresMetaStoreTest, RefusesDivergedHistory) {
  contract::ExpectDivergedHistoryRefused(Opener(), RawSql());
}

// Listing order is byte order, so a database that sorts text any other way
// is refused before anything is written to it.
TEST_F(PostgresMetaStoreTest, RefusesDatabasesThatDoNotSortByBytes) {
  struct Case {
    const char* options;
    const char* why;
  };
  const Case cases[] = {
      {"LOCALE 'C.UTF-8'", "LC_COLLATE 'C.UTF-8'"},
      {"LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'", "ICU or other default collation"},
  };
  for (const Case& c : cases) {
    STRATA_ASSERT_OK_AND_ASSIGN(std::string database, server_->CreateDatabase(c.options));
    auto store = PostgresMetaStore::Open(server_->Uri(database));
    ASSERT_FALSE(store.ok()) << c.options;
    EXPECT_EQ(store.status().code(), Code::kInvalidArgument) << store.status().ToString();
    EXPECT_NE(store.status().message().find(c.why), std::string::npos) << store.status().ToString();
    EXPECT_NE(store.status().message().find("LC_COLLATE 'C'"), std::string::npos)
        << "the message says how to create a suitable database: " << store.status().ToString();
    // Nothing was created in it.
    STRATA_ASSERT_OK_AND_ASSIGN(std::string tables,
                                server_->QueryText("SELECT count(*) FROM information_schema.tables"
                                                   " WHERE table_schema = 'public'",
                                                   database));
    EXPECT_EQ(tables, "0");
  }
}

TEST_F(PostgresMetaStoreTest, RejectsBadConninfoAndOptions) {
  const char* bad[] = {
      "postgresql://127.0.0.1/db?no_such_parameter=1",
      "postgresql://[::1/db",
      "host=127.0.0.1 'unterminated",
  };
  for (const char* conninfo : bad) {
    STRATA_EXPECT_CODE(PostgresMetaStore::Open(conninfo), Code::kInvalidArgument);
    STRATA_EXPECT_CODE(DescribeConninfo(conninfo), Code::kInvalidArgument);
  }
  STRATA_EXPECT_CODE(PostgresMetaStore::Open(uri_, {.connections = 0}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(PostgresMetaStore::Open(uri_, {.max_attempts = 0}), Code::kInvalidArgument);
}

TEST_F(PostgresMetaStoreTest, UnreachableServerIsUnavailable) {
  // Port 1 on loopback: connection refused at once.
  STRATA_EXPECT_CODE(PostgresMetaStore::Open("postgresql://postgres@127.0.0.1:1/x"),
                     Code::kUnavailable);
}

TEST_F(PostgresMetaStoreTest, DescribeConninfoLeavesOutThePassword) {
  struct Case {
    const char* conninfo;
    const char* description;
  };
  const Case cases[] = {
      {"postgres://strata:s3cret@db.example:6432/meta?sslmode=require",
       "postgres://strata@db.example:6432/meta"},
      {"postgresql://db/meta", "postgres://db/meta"},
      {"postgresql://u:p@[::1]:5433/m", "postgres://u@[::1]:5433/m"},
      {"host=10.0.0.5 port=5432 user=s password=x dbname=m", "postgres://s@10.0.0.5:5432/m"},
  };
  for (const Case& c : cases) {
    STRATA_ASSERT_OK_AND_ASSIGN(std::string description, DescribeConninfo(c.conninfo));
    EXPECT_EQ(description, c.description);
  }
}

// PostgreSQL's TEXT holds only UTF-8 without NUL; the SQLite store takes any
// bytes. Such names fail cleanly and change nothing.
TEST_F(PostgresMetaStoreTest, TextPostgresCannotStoreIsInvalidArgument) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  for (std::string key : {std::string("nul\0key", 7), std::string("bad\xff")}) {
    STRATA_EXPECT_CODE(store->PutObject(MakeObject("b", key), {}, {}, kNowMs),
                       Code::kInvalidArgument);
    STRATA_EXPECT_CODE(store->GetObject("b", key), Code::kInvalidArgument);
  }
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store->ListObjects("b", {}));
  EXPECT_TRUE(page.objects.empty());
}

// The list walkers seek to bounds that are not UTF-8 (PrefixSuccessor of a
// prefix ending in 0x7F or 0xBF; client markers); they work on any bytes.
TEST_F(PostgresMetaStoreTest, ListingBoundsNeedNotBeText) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  const std::vector<std::string> keys = {
      "a\x7f"
      "1",
      "a\x7f"
      "2",
      "a\xc2\xbf"
      "1",
      "a\xc2\xbf"
      "2",
      "a\xc3\x80",
      "b"};
  for (const std::string& key : keys) {
    STRATA_ASSERT_OK(store->PutObject(MakeObject("b", key), {}, {}, kNowMs));
  }
  auto names = [](const ListPage& page) {
    std::vector<std::string> out = page.common_prefixes;
    for (const ObjectRecord& object : page.objects) out.push_back(object.key);
    return out;
  };
  {
    // Jumping over "a\x7f" seeks to "a\x80".
    STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store->ListObjects("b", {.delimiter = "\x7f"}));
    EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"a\x7f"});
    EXPECT_EQ(page.objects.size(), 4u);
  }
  {
    // Jumping over "a\xc2\xbf" (U+00BF) seeks to "a\xc2\xc0".
    STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store->ListObjects("b", {.delimiter = "\xc2\xbf"}));
    EXPECT_EQ(names(page), (std::vector<std::string>{"a\xc2\xbf",
                                                     "a\x7f"
                                                     "1",
                                                     "a\x7f"
                                                     "2",
                                                     "a\xc3\x80", "b"}));
  }
  struct Marker {
    std::string start_after;
    size_t expected;
  };
  const Marker markers[] = {
      {"a\x80", 4},
      {"a\xc2", 4},
      {"a\xc3", 2},
      {"a\xff", 1},
      {"\xff", 0},
      {"a\x7f"
       "1\xff",
       5},
  };
  for (const Marker& marker : markers) {
    STRATA_ASSERT_OK_AND_ASSIGN(ListPage page,
                                store->ListObjects("b", {.start_after = marker.start_after}));
    EXPECT_EQ(page.objects.size(), marker.expected) << marker.start_after;
  }
  // Multipart upload markers too.
  STRATA_ASSERT_OK(store->CreateMultipartUpload(contract::MakeUpload("b",
                                                                     "a\x7f"
                                                                     "1",
                                                                     "u1")));
  STRATA_ASSERT_OK(store->CreateMultipartUpload(contract::MakeUpload("b", "b", "u2")));
  for (const auto& [key_marker, id_marker, expected] :
       std::vector<std::tuple<std::string, std::string, size_t>>{{"a\x80", "", 1},
                                                                 {"a\x7f"
                                                                  "1",
                                                                  "\xff", 1},
                                                                 {"a\x7f"
                                                                  "1",
                                                                  "u0\xff", 2},
                                                                 {"\xff", "", 0}}) {
    STRATA_ASSERT_OK_AND_ASSIGN(
        ListUploadsPage page, store->ListMultipartUploads(
                                  "b", {.key_marker = key_marker, .upload_id_marker = id_marker}));
    EXPECT_EQ(page.uploads.size(), expected) << key_marker << " / " << id_marker;
  }
}

// Batches: a listing longer than one fetch continues where it stopped.
TEST_F(PostgresMetaStoreTest, LongListingsSpanBatches) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  constexpr int kKeys = 700;
  for (int i = 0; i < kKeys; ++i) {
    char key[16];
    std::snprintf(key, sizeof(key), "k%05d", i);
    STRATA_ASSERT_OK(store->PutObject(MakeObject("b", key), {}, {}, kNowMs));
  }
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store->ListObjects("b", {.max_keys = 1000}));
  ASSERT_EQ(page.objects.size(), size_t{kKeys});
  for (int i = 1; i < kKeys; ++i) EXPECT_LT(page.objects[i - 1].key, page.objects[i].key);
  EXPECT_FALSE(page.truncated);
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage first, store->ListObjects("b", {.max_keys = 500}));
  EXPECT_EQ(first.objects.size(), 500u);
  EXPECT_TRUE(first.truncated);
}

// The counts themselves, which the contract suite can only infer.
TEST_F(PostgresMetaStoreTest, CountsAreExact) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  contract::ExpectExactCounts(*store, RawSql());
}

TEST_F(PostgresMetaStoreTest, DamagedRowsStayReplaceable) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  contract::ExpectDamagedRowsStayReplaceable(*store, RawSql());
}

}  // namespace
}  // namespace strata::meta::postgres
