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
#include "meta/sqlite/internal/test_util.h"

namespace strata::meta::sqlite {
namespace {

using common::Code;
using contract::Chunk;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using contract::MetaStoreContractTest;
using contract::Piece;
using contract::Whole;
using contract::WithManifest;
using internal::RawDb;
using SqliteMetaStoreTest = internal::SqliteStoreTest;

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

TEST_F(SqliteMetaStoreTest, CreatesWalDatabaseWithSchema) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  RawDb raw(path_);
  EXPECT_EQ(raw.Column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_EQ(raw.Column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
            (std::vector<std::string>{
                "access_keys", "audit_log", "buckets", "chunks", "deployment", "group_members",
                "groups", "multipart_parts", "multipart_uploads", "object_versions", "objects",
                "policies", "policy_attachments", "refresh_tokens", "schema_migrations", "users"}));
  // Every migration this build knows, each once ("1:buckets_objects", ...).
  std::vector<std::string> migrations;
  for (const Migration& m : Migrations()) {
    migrations.push_back(std::to_string(m.version) + ":" + std::string(m.name));
  }
  EXPECT_EQ(raw.Column("SELECT version || ':' || name FROM schema_migrations ORDER BY version"),
            migrations);
  EXPECT_EQ(migrations.front(), "1:buckets_objects");
}

// GetBucket answers from memory (internal/bucket_cache.h): every bucket
// write through the store is seen by the very next read, and a write behind
// the store's back (another process) within the cache's second.
TEST_F(SqliteMetaStoreTest, BucketWritesAreSeenByTheNextGetBucket) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b", "owner-1")));
  ASSERT_TRUE(store->GetBucket("b").ok());  // cached from here on
  STRATA_ASSERT_OK(store->SetBucketPolicy("b", "{\"Version\":\"2012-10-17\"}"));
  EXPECT_EQ(store->GetBucket("b")->policy, "{\"Version\":\"2012-10-17\"}");
  STRATA_ASSERT_OK(store->SetBucketCors("b", "<CORSConfiguration/>"));
  EXPECT_EQ(store->GetBucket("b")->cors, "<CORSConfiguration/>");
  STRATA_ASSERT_OK(store->SetBucketTagging("b", {{"team", "storage"}}));
  EXPECT_EQ(store->GetBucket("b")->tagging, (MetadataPairs{{"team", "storage"}}));
  STRATA_ASSERT_OK(store->SetBucketVersioning("b", Versioning::kEnabled));
  EXPECT_EQ(store->GetBucket("b")->versioning, Versioning::kEnabled);
  STRATA_ASSERT_OK(store->DeleteBucket("b"));
  STRATA_EXPECT_CODE(store->GetBucket("b"), Code::kNoSuchBucket);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b", "owner-2")));
  EXPECT_EQ(store->GetBucket("b")->owner, "owner-2");
  EXPECT_EQ(store->GetBucket("b")->versioning, Versioning::kUnversioned);
  // A failed write (no such bucket) leaves the cache consistent too.
  STRATA_EXPECT_CODE(store->SetBucketPolicy("missing", "{}"), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store->GetBucket("missing"), Code::kNoSuchBucket);

  RawDb(path_).Exec("UPDATE buckets SET policy = 'external' WHERE name = 'b'");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(store->GetBucket("b")->policy, "external");
}

// Two stores on one file (as the Redis cache's node tests stand them in
// for nodes): with the bucket cache off, each sees the other's bucket
// writes at once.
TEST_F(SqliteMetaStoreTest, WithoutTheBucketCacheAnotherStoresWritesAreSeenAtOnce) {
  auto a = SqliteMetaStore::Open(path_, {.bucket_cache_ttl_ms = 0});
  auto b = SqliteMetaStore::Open(path_, {.bucket_cache_ttl_ms = 0});
  ASSERT_TRUE(a.ok() && b.ok());
  STRATA_ASSERT_OK((*a)->CreateBucket(MakeBucket("b")));
  EXPECT_EQ((*b)->GetBucket("b")->policy, "");
  STRATA_ASSERT_OK((*a)->SetBucketPolicy("b", "{}"));
  EXPECT_EQ((*b)->GetBucket("b")->policy, "{}");
  STRATA_EXPECT_CODE(SqliteMetaStore::Open(path_, {.bucket_cache_ttl_ms = -1}),
                     Code::kInvalidArgument);
}

TEST_F(SqliteMetaStoreTest, ReopenKeepsDataAndDoesNotRerunMigrations) {
  contract::ExpectReopenKeepsDataAndMigrations(Opener(), RawSql());
}

TEST_F(SqliteMetaStoreTest, RefusesNewerSchema) {
  contract::ExpectNewerSchemaRefused(Opener(), RawSql());
}

TEST_F(SqliteMetaStoreTest, RefusesDivergedHistory) {
  contract::ExpectDivergedHistoryRefused(Opener(), RawSql());
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
  STRATA_EXPECT_CODE(store->PutObject(object, {}, {}, kNowMs), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(store->GetObject("b", "k"), Code::kNoSuchKey);
}

TEST_F(SqliteMetaStoreTest, DamagedRowsStayReplaceable) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  contract::ExpectDamagedRowsStayReplaceable(*store, RawSql());
}

// The counts themselves, which the contract suite can only infer.
TEST_F(SqliteMetaStoreTest, CountsAreExact) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  contract::ExpectExactCounts(*store, RawSql());
}

TEST_F(SqliteMetaStoreTest, RejectsInconsistentBodies) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  const ChunkInfo stored = Chunk(1);
  STRATA_ASSERT_OK(store->PutObject(WithManifest("b", "k", {Whole(stored)}), {}, {stored}, kNowMs));
  const ChunkInfo fresh = Chunk(2);

  struct Case {
    const char* name;
    ObjectRecord object;
    std::vector<ChunkInfo> written;
  };
  std::vector<Case> cases;
  {
    ObjectRecord both = WithManifest("b", "x", {Whole(fresh)});
    both.inline_data = "also inline";
    cases.push_back({"inline and manifest", both, {fresh}});
  }
  {
    ObjectRecord object = MakeObject("b", "x");
    object.size += 1;
    cases.push_back({"inline size", object, {}});
  }
  {
    ObjectRecord object = WithManifest("b", "x", {Whole(fresh)});
    object.size -= 1;
    cases.push_back({"manifest size", object, {fresh}});
  }
  cases.push_back({"empty piece", WithManifest("b", "x", {Piece(fresh, 0, 0)}), {fresh}});
  cases.push_back(
      {"past the end", WithManifest("b", "x", {Piece(fresh, fresh.size - 50, 51)}), {fresh}});
  {
    ObjectRecord object = WithManifest("b", "x", {Whole(fresh)});
    object.part_sizes = {1, fresh.size - 2};
    cases.push_back({"part sizes", object, {fresh}});
  }
  {
    ChunkInfo negative = fresh;
    negative.parity_shards = -1;
    cases.push_back({"written chunk", WithManifest("b", "x", {Whole(fresh)}), {negative}});
  }
  {
    ChunkInfo other_k = fresh;
    other_k.data_shards = 6;
    cases.push_back({"entry vs written", WithManifest("b", "x", {Whole(other_k)}), {fresh}});
  }
  {
    ChunkInfo other_m = stored;
    other_m.parity_shards = 1;
    cases.push_back({"entry vs row", WithManifest("b", "x", {Whole(other_m)}), {}});
  }
  for (const Case& c : cases) {
    STRATA_EXPECT_CODE(store->PutObject(c.object, {}, c.written, kNowMs), Code::kInvalidArgument);
    EXPECT_EQ(RawDb(path_).Column("SELECT key || ':' || refcount FROM objects, chunks"),
              std::vector<std::string>{"k:1"})
        << c.name;
  }
}

TEST_F(SqliteMetaStoreTest, InlineDataIsStoredAsABlob) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  ObjectRecord number = MakeObject("b", "1-number");
  number.inline_data = "12345";
  number.size = 5;
  ObjectRecord empty = MakeObject("b", "2-empty");
  empty.inline_data.clear();
  empty.size = 0;
  const ChunkInfo c = Chunk(1);
  for (const ObjectRecord& object : {number, empty, WithManifest("b", "3-chunked", {Whole(c)})}) {
    STRATA_ASSERT_OK(store->PutObject(object, {}, {c}, kNowMs));
  }
  EXPECT_EQ(RawDb(path_).Column("SELECT typeof(inline_data) || ':' || manifest FROM objects"
                                " ORDER BY key"),
            (std::vector<std::string>{"blob:[]", "null:[]",
                                      "null:[[\"" + c.hash + "\",\"" + c.location + "\",4,2," +
                                          std::to_string(c.size) + ",0," + std::to_string(c.size) +
                                          "]]"}));
}

// A database from before migration 2 (made here by running 0001 by hand)
// upgrades on open, through every later migration. Its objects are dropped,
// as 0002 says; buckets stay.
TEST_F(SqliteMetaStoreTest, MigratesAVersion1Database) {
  {
    RawDb raw(path_);
    raw.Exec(std::string(kCreateSchemaMigrationsSql));
    ASSERT_EQ(Migrations()[0].version, 1);
    raw.Exec(std::string(Migrations()[0].sql));
    raw.Exec("INSERT INTO schema_migrations VALUES (1, 'buckets_objects', 0)");
    raw.Exec("INSERT INTO buckets VALUES ('old', '', 'owner-1', 1)");
    raw.Exec(
        "INSERT INTO objects VALUES ('old', 'k', 5, 'etag', 'text/plain', '[]', '[]', 1,"
        " 'STANDARD', 'ref:k')");
  }
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  std::vector<std::string> versions;
  for (const Migration& m : Migrations()) versions.push_back(std::to_string(m.version));
  EXPECT_EQ(RawDb(path_).Column("SELECT version FROM schema_migrations ORDER BY version"),
            versions);
  STRATA_ASSERT_OK_AND_ASSIGN(Bucket bucket, store->GetBucket("old"));
  EXPECT_EQ(bucket.owner, "owner-1");
  STRATA_EXPECT_CODE(store->GetObject("old", "k"), Code::kNoSuchKey);
  // The new schema works.
  const ChunkInfo c = Chunk(1);
  const ObjectRecord object = WithManifest("old", "k", {Whole(c)});
  STRATA_ASSERT_OK(store->PutObject(object, {}, {c}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord out, store->GetObject("old", "k"));
  EXPECT_TRUE(contract::SameRecord(object, out));
  EXPECT_EQ(
      RawDb(path_).Column("SELECT name FROM pragma_table_info('objects') ORDER BY cid"),
      (std::vector<std::string>{"bucket", "key", "size", "etag", "content_type", "user_metadata",
                                "system_metadata", "last_modified_ms", "storage_class", "manifest",
                                "inline_data", "checksum_algorithm", "checksum_value",
                                "checksum_type", "part_sizes", "tags", "version_id"}));
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
        if (!store->PutObject(MakeObject("b", key), {}, {}, kNowMs).ok()) ++failures;
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

// Concurrent puts share commits (group commit), each in its own savepoint: of
// many If-None-Match: * puts racing for one key exactly one wins, a put that
// fails (its bucket is missing) takes nothing else in its batch down with
// it, and everything acknowledged is in the database after a reopen.
TEST_F(SqliteMetaStoreTest, BatchedPutsKeepEachPutsOwnOutcome) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  constexpr int kThreads = 12;
  constexpr int kRounds = 30;
  std::atomic<int> own_failures = 0;
  std::atomic<int> missing_bucket_wrong = 0;
  std::vector<std::atomic<int>> winners(kRounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const WriteCondition if_none_match{.kind = WriteCondition::Kind::kIfNoneMatchAny};
      for (int r = 0; r < kRounds; ++r) {
        const std::string race = "race/" + std::to_string(r);
        auto raced = store->PutObject(MakeObject("b", race), if_none_match, {}, kNowMs);
        if (raced.ok()) {
          ++winners[r];
        } else if (raced.status().code() != Code::kPreconditionFailed) {
          ++own_failures;
        }
        auto missing = store->PutObject(MakeObject("nope", "k"), {}, {}, kNowMs);
        if (missing.ok() || missing.status().code() != Code::kNoSuchBucket) ++missing_bucket_wrong;
        const std::string own = "own/" + std::to_string(t) + "/" + std::to_string(r);
        if (!store->PutObject(MakeObject("b", own), {}, {}, kNowMs).ok()) ++own_failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(own_failures, 0);
  EXPECT_EQ(missing_bucket_wrong, 0);
  for (int r = 0; r < kRounds; ++r) EXPECT_EQ(winners[r].load(), 1) << "round " << r;
  store.reset();
  EXPECT_EQ(RawDb(path_).Column("SELECT count(*) FROM objects WHERE key LIKE 'own/%'"),
            std::vector<std::string>{std::to_string(kThreads * kRounds)});
  EXPECT_EQ(RawDb(path_).Column("SELECT count(*) FROM objects WHERE key LIKE 'race/%'"),
            std::vector<std::string>{std::to_string(kRounds)});
}

}  // namespace
}  // namespace strata::meta::sqlite
