// The PostgreSQL store's own versioning tests: what the contract suite
// (meta_store_contract_versioning.cc) cannot see from outside -- concurrent
// writers on other connections, seq values, listings longer than one fetch,
// markers PostgreSQL cannot store.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/postgres/internal/test_util.h"
#include "meta/postgres/postgres_meta_store.h"

namespace strata::meta::postgres {
namespace {

using common::Code;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using PostgresVersioningTest = internal::PostgresStoreTest;

ObjectRecord Version(std::string_view key, std::string_view id) {
  ObjectRecord object = MakeObject("b", key);
  object.version_id = id;
  return object;
}

// Every version of every key, walked page by page with `page_size`.
std::vector<ObjectRecord> AllVersions(MetaStore& store, int page_size) {
  std::vector<ObjectRecord> all;
  ListVersionsQuery query{.max_keys = page_size};
  while (true) {
    auto page = store.ListObjectVersions("b", query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return all;
    for (ObjectRecord& version : page->versions) all.push_back(std::move(version));
    if (!page->truncated) return all;
    query.key_marker = page->next_key_marker;
    query.version_id_marker = page->next_version_id_marker;
  }
}

// Writers on separate connections race on one key: the runner retries the
// loser of each conflict, so no version is lost and no seq is used twice.
TEST_F(PostgresVersioningTest, ConcurrentWritersToOneKeyKeepEveryVersion) {
  auto store = OpenOrDie({.connections = 4, .max_attempts = 200});
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store->SetBucketVersioning("b", Versioning::kEnabled));
  constexpr int kThreads = 4;
  constexpr int kWrites = 15;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string id = "v" + std::to_string(t) + "-" + std::to_string(i);
        // Every third write is a delete marker.
        common::Status status = i % 3 == 2
                                    ? store->DeleteLatest("b", "k", id, kNowMs).status()
                                    : store->PutObject(Version("k", id), {}, {}, kNowMs).status();
        if (!status.ok()) {
          ADD_FAILURE() << status.ToString();
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures, 0);
  // How hard the writers collided (usually dozens of retries).
  RecordProperty("conflict_retries", std::to_string(store->retry_counts().conflict_retries));
  std::vector<ObjectRecord> versions = AllVersions(*store, 1000);
  ASSERT_EQ(versions.size(), size_t{kThreads * kWrites});
  int latest = 0;
  for (const ObjectRecord& version : versions) latest += version.is_latest ? 1 : 0;
  EXPECT_EQ(latest, 1);
  EXPECT_EQ(Sql("SELECT count(DISTINCT seq) FROM object_versions"),
            std::to_string(kThreads * kWrites - 1 + (versions[0].delete_marker ? 1 : 0)));
  EXPECT_EQ(Sql("SELECT count(*) FROM objects"), versions[0].delete_marker ? "0" : "1");
}

// A key's versions and the bucket's keys both span several fetches.
TEST_F(PostgresVersioningTest, LongVersionListingsSpanBatches) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store->SetBucketVersioning("b", Versioning::kEnabled));
  constexpr int kKeys = 300;
  int expected = 0;
  for (int i = 0; i < kKeys; ++i) {
    char key[16];
    std::snprintf(key, sizeof(key), "k%05d", i);
    // Key 7 has many versions; every fifth key only a delete marker (no
    // objects row); the rest one version.
    const int writes = i == 7 ? 40 : 1;
    for (int w = 0; w < writes; ++w) {
      const std::string id = "v" + std::to_string(w);
      if (i % 5 == 0) {
        STRATA_ASSERT_OK(store->DeleteLatest("b", key, id, kNowMs));
      } else {
        STRATA_ASSERT_OK(store->PutObject(Version(key, id), {}, {}, kNowMs));
      }
      ++expected;
    }
  }
  for (int page_size : {1000, 7, 1}) {
    std::vector<ObjectRecord> all = AllVersions(*store, page_size);
    ASSERT_EQ(all.size(), size_t(expected)) << page_size;
    for (size_t i = 1; i < all.size(); ++i) {
      ASSERT_LE(all[i - 1].key, all[i].key) << page_size;
      if (all[i - 1].key == all[i].key) {
        // Newest first: ids were written v0, v1, ... (compare numerically).
        EXPECT_GT(std::stoi(all[i - 1].version_id.substr(1)),
                  std::stoi(all[i].version_id.substr(1)));
        EXPECT_FALSE(all[i].is_latest);
      } else {
        EXPECT_TRUE(all[i].is_latest) << all[i].key;
      }
    }
  }
}

// Markers need not be text PostgreSQL can store: a version id marker that
// names no version starts at the next key.
TEST_F(PostgresVersioningTest, MarkersNeedNotBeText) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store->SetBucketVersioning("b", Versioning::kEnabled));
  for (const char* key : {"a", "b"}) {
    STRATA_ASSERT_OK(store->PutObject(Version(key, "v1"), {}, {}, kNowMs));
    STRATA_ASSERT_OK(store->PutObject(Version(key, "v2"), {}, {}, kNowMs));
  }
  STRATA_ASSERT_OK_AND_ASSIGN(
      ListVersionsPage page,
      store->ListObjectVersions("b", {.key_marker = "a", .version_id_marker = "\xff"}));
  ASSERT_EQ(page.versions.size(), 2u);
  EXPECT_EQ(page.versions[0].key, "b");
  STRATA_ASSERT_OK_AND_ASSIGN(page, store->ListObjectVersions("b", {.key_marker = "a\xff"}));
  EXPECT_EQ(page.versions.size(), 2u);
  STRATA_EXPECT_CODE(store->GetObjectVersion("b", "a", "\xff"), Code::kNoSuchVersion);
  STRATA_ASSERT_OK_AND_ASSIGN(MetaStore::DeleteResult deleted,
                              store->DeleteVersion("b", "a", "\xff", kNowMs));
  EXPECT_FALSE(deleted.removed);
}

// The rows behind the S3 behaviour: where each version lives, and that
// moving one between the tables moves no chunk count.
TEST_F(PostgresVersioningTest, VersionsMoveBetweenTablesWithTheirReferences) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store->SetBucketVersioning("b", Versioning::kEnabled));
  const ChunkInfo chunk = contract::Chunk(1);
  ObjectRecord first = contract::WithManifest("b", "k", {contract::Whole(chunk)});
  first.version_id = "v1";
  STRATA_ASSERT_OK(store->PutObject(first, {}, {chunk}, kNowMs));
  STRATA_ASSERT_OK(store->PutObject(Version("k", "v2"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(store->DeleteLatest("b", "k", "m3", kNowMs));
  EXPECT_EQ(Sql("SELECT string_agg(version_id || ':' || seq || ':' || delete_marker, ','"
                " ORDER BY seq) FROM object_versions"),
            "v1:0:0,v2:1:0,m3:2:1");
  EXPECT_EQ(Sql("SELECT count(*) FROM objects"), "0");
  EXPECT_EQ(Sql("SELECT refcount FROM chunks"), "1");
  // Removing the marker makes v2 current again; removing v2 then makes v1.
  STRATA_ASSERT_OK(store->DeleteVersion("b", "k", "m3", kNowMs));
  EXPECT_EQ(Sql("SELECT version_id FROM objects"), "v2");
  STRATA_ASSERT_OK(store->DeleteVersion("b", "k", "v2", kNowMs));
  EXPECT_EQ(Sql("SELECT version_id FROM objects"), "v1");
  EXPECT_EQ(Sql("SELECT count(*) FROM object_versions"), "0");
  EXPECT_EQ(Sql("SELECT refcount FROM chunks"), "1");
  STRATA_ASSERT_OK(store->DeleteVersion("b", "k", "v1", kNowMs));
  EXPECT_EQ(Sql("SELECT refcount FROM chunks"), "0");
  STRATA_EXPECT_OK(store->DeleteBucket("b"));
}

}  // namespace
}  // namespace strata::meta::postgres
