#include "meta/cache/cached_meta_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "meta/cache/internal/redis_connection.h"
#include "meta/cache/internal/test_util.h"
#include "meta/cache/testing/redis_server.h"
#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::cache {
namespace {

using common::Code;
using contract::Chunk;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using contract::MetaStoreContractTest;
using contract::Whole;
using internal::Answer;
using internal::CacheTest;
using internal::Ids;
using internal::MakeKey;
using internal::MakeUser;
using internal::Node;
using internal::ToUser;
using internal::UniquePrefix;

// --- The whole MetaStore contract through the cache --------------------------

// The contract suite owns only the store its factory returns (the cache). The
// SQLite store under it is kept here until the next factory call: the suite
// destroys its store in TearDown, before the next test's SetUp.
std::unique_ptr<sqlite::SqliteMetaStore>& KeptSqlite() {
  static std::unique_ptr<sqlite::SqliteMetaStore> kept;
  return kept;
}

common::Result<std::unique_ptr<MetaStore>> MakeCachedSqlite(const std::filesystem::path& dir,
                                                            const std::string& url,
                                                            bool want_connected) {
  KeptSqlite().reset();
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteMetaStore> store,
                          sqlite::SqliteMetaStore::Open((dir / "meta.db").string()));
  CacheOptions options;
  options.timeout_ms = 1000;
  options.key_prefix = UniquePrefix();
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<CachedMetaStore> cache,
                          OpenCachedMetaStore(*store, *store, url, options));
  if (cache->stats().connected != want_connected) {
    return common::Error(Code::kInternal, want_connected ? "the cache did not connect to Redis"
                                                         : "the cache connected to nothing");
  }
  KeptSqlite() = std::move(store);
  return std::unique_ptr<MetaStore>(std::move(cache));
}

// With a live Redis: every cached read and invalidation path runs.
INSTANTIATE_TEST_SUITE_P(
    CachedSqlite, MetaStoreContractTest,
    ::testing::Values(contract::MetaStoreContractParam{
        "CachedSqlite",
        [](const std::filesystem::path& dir) -> common::Result<std::unique_ptr<MetaStore>> {
          testing::RedisServer* server = testing::SharedRedisServer();
          if (server == nullptr) return common::Error(Code::kUnavailable, "no redis-server");
          return MakeCachedSqlite(dir, server->Url(), true);
        }}),
    contract::MetaStoreContractParamName);

// With no Redis at all (nothing listens on port 1): the fallback path is the
// whole store.
INSTANTIATE_TEST_SUITE_P(
    CachedSqliteRedisDown, MetaStoreContractTest,
    ::testing::Values(contract::MetaStoreContractParam{
        "CachedSqliteRedisDown",
        [](const std::filesystem::path& dir) -> common::Result<std::unique_ptr<MetaStore>> {
          return MakeCachedSqlite(dir, "redis://127.0.0.1:1", false);
        }}),
    contract::MetaStoreContractParamName);

// --- Hits, misses, "not found" -------------------------------------------------

class CachedMetaStoreTest : public CacheTest {};

TEST_F(CachedMetaStoreTest, SecondReadIsAHitForEveryCachedRead) {
  Node* node = AddNode();
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  ASSERT_TRUE(cache.stats().connected);
  STRATA_ASSERT_OK(cache.CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(cache.PutObject(MakeObject("b", "k"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(cache.CreateUser(MakeUser("u1")));
  STRATA_ASSERT_OK(cache.CreateAccessKey(MakeKey("AK1", "u1")));
  STRATA_ASSERT_OK(cache.PutPolicy({.name = "p", .document = "{}", .created_ms = 1}));
  STRATA_ASSERT_OK(cache.AttachPolicy(ToUser("p", "u1")));

  const std::vector<std::pair<std::string, std::function<std::string(MetaStore&)>>> reads = {
      {"GetBucket", [](MetaStore& s) { return Answer(s.GetBucket("b")); }},
      {"GetObject", [](MetaStore& s) { return Answer(s.GetObject("b", "k")); }},
      {"GetUser",
       [](MetaStore& s) { return Answer(dynamic_cast<IdentityStore&>(s).GetUser("u1")); }},
      {"GetAccessKey",
       [](MetaStore& s) { return Answer(dynamic_cast<IdentityStore&>(s).GetAccessKey("AK1")); }},
      {"GetPolicy",
       [](MetaStore& s) { return Answer(dynamic_cast<IdentityStore&>(s).GetPolicy("p")); }},
      {"EffectivePolicyNames",
       [](MetaStore& s) {
         return Answer(dynamic_cast<IdentityStore&>(s).EffectivePolicyNames("u1"));
       }},
  };
  for (const auto& [name, read] : reads) {
    SCOPED_TRACE(name);
    const CacheStats before = cache.stats();
    const std::string first = read(cache);
    const CacheStats middle = cache.stats();
    EXPECT_EQ(middle.misses, before.misses + 1);
    EXPECT_EQ(middle.hits, before.hits);
    const std::string second = read(cache);
    const CacheStats after = cache.stats();
    EXPECT_EQ(after.hits, middle.hits + 1);
    EXPECT_EQ(after.misses, middle.misses);
    EXPECT_EQ(first, second);
    EXPECT_EQ(second, read(*node->store));
    EXPECT_EQ(first.find("error"), std::string::npos) << first;
  }
  EXPECT_EQ(cache.stats().errors, 0u);
}

TEST_F(CachedMetaStoreTest, CachesNotFoundUntilTheThingIsCreated) {
  Node* node = AddNode();
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  auto hits = [&] { return cache.stats().hits; };

  // Buckets.
  STRATA_EXPECT_CODE(cache.GetBucket("b"), Code::kNoSuchBucket);
  uint64_t h = hits();
  STRATA_EXPECT_CODE(cache.GetBucket("b"), Code::kNoSuchBucket);
  EXPECT_EQ(hits(), h + 1);
  STRATA_ASSERT_OK(cache.CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(cache.GetBucket("b"));

  // Objects: served while the bucket is cached as existing.
  STRATA_ASSERT_OK(cache.GetBucket("b"));
  STRATA_EXPECT_CODE(cache.GetObject("b", "k"), Code::kNoSuchKey);
  h = hits();
  const auto again = cache.GetObject("b", "k");
  STRATA_EXPECT_CODE(again, Code::kNoSuchKey);
  EXPECT_EQ(hits(), h + 1);
  // Same message as the store's.
  EXPECT_EQ(again.status().message(), node->store->GetObject("b", "k").status().message());
  STRATA_ASSERT_OK(cache.PutObject(MakeObject("b", "k"), {}, {}, kNowMs));
  EXPECT_EQ(Answer(cache.GetObject("b", "k")), Answer(node->store->GetObject("b", "k")));

  // Identity.
  STRATA_EXPECT_CODE(cache.GetUser("u1"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(cache.GetAccessKey("AK1"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(cache.GetPolicy("p"), Code::kNoSuchEntity);
  h = hits();
  STRATA_EXPECT_CODE(cache.GetUser("u1"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(cache.GetAccessKey("AK1"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(cache.GetPolicy("p"), Code::kNoSuchEntity);
  EXPECT_EQ(hits(), h + 3);
  STRATA_ASSERT_OK(cache.CreateUser(MakeUser("u1")));
  STRATA_ASSERT_OK(cache.GetUser("u1"));
  STRATA_ASSERT_OK(cache.CreateAccessKey(MakeKey("AK1", "u1")));
  STRATA_ASSERT_OK(cache.GetAccessKey("AK1"));
  STRATA_ASSERT_OK(cache.PutPolicy({.name = "p", .document = "{}"}));
  STRATA_ASSERT_OK(cache.GetPolicy("p"));
}

TEST_F(CachedMetaStoreTest, ACachedNoSuchKeyIsNotServedOnceTheBucketIsGone) {
  Node* node = AddNode();
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  STRATA_ASSERT_OK(cache.CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(cache.GetBucket("b"));
  STRATA_EXPECT_CODE(cache.GetObject("b", "k"), Code::kNoSuchKey);
  STRATA_EXPECT_CODE(cache.GetObject("b", "k"), Code::kNoSuchKey);  // now cached
  STRATA_ASSERT_OK(cache.DeleteBucket("b"));
  STRATA_EXPECT_CODE(cache.GetObject("b", "k"), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(cache.GetBucket("b"), Code::kNoSuchBucket);  // cached "no bucket"
  STRATA_EXPECT_CODE(cache.GetObject("b", "k"), Code::kNoSuchBucket);
  // A new bucket of that name is empty: its objects' "no such key" is right.
  STRATA_ASSERT_OK(cache.CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(cache.GetBucket("b"));
  STRATA_EXPECT_CODE(cache.GetObject("b", "k"), Code::kNoSuchKey);
}

TEST_F(CachedMetaStoreTest, ValuesOverMaxValueBytesAreNotCached) {
  CacheOptions options = Options();
  options.max_value_bytes = 300;
  Node* node = AddNode(SharedUrl(), options);
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  STRATA_ASSERT_OK(cache.CreateBucket(MakeBucket("b")));
  ObjectRecord big = MakeObject("b", "big");
  big.inline_data = std::string(1000, 'x');
  big.size = big.inline_data.size();
  STRATA_ASSERT_OK(cache.PutObject(big, {}, {}, kNowMs));
  STRATA_ASSERT_OK(cache.PutObject(MakeObject("b", "small"), {}, {}, kNowMs));

  const CacheStats before = cache.stats();
  for (int i = 0; i < 3; ++i) {
    STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord got, cache.GetObject("b", "big"));
    EXPECT_EQ(got.inline_data, big.inline_data);
  }
  EXPECT_EQ(cache.stats().misses, before.misses + 3);
  EXPECT_EQ(cache.stats().hits, before.hits);
  STRATA_ASSERT_OK(cache.GetObject("b", "small"));
  STRATA_ASSERT_OK(cache.GetObject("b", "small"));
  EXPECT_EQ(cache.stats().hits, before.hits + 1);
}

TEST_F(CachedMetaStoreTest, OpeningANodeRetiresEveryEntry) {
  // A new process cannot know whether its predecessor died between a commit
  // and its invalidation, so it bumps the epoch (cached_meta_store.h).
  Node* a = AddNode();
  ASSERT_NE(a, nullptr);
  STRATA_ASSERT_OK(a->cache->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(a->cache->GetBucket("b"));
  STRATA_ASSERT_OK(a->cache->GetBucket("b"));
  const CacheStats before = a->cache->stats();
  ASSERT_NE(AddNode(), nullptr);
  STRATA_ASSERT_OK(a->cache->GetBucket("b"));
  EXPECT_EQ(a->cache->stats().misses, before.misses + 1);
  EXPECT_EQ(a->cache->stats().hits, before.hits);
}

TEST_F(CachedMetaStoreTest, ConnectionsRedisClosedWhileIdleAreReplacedQuietly) {
  Node* node = AddNode();
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  STRATA_ASSERT_OK(cache.CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(cache.GetBucket("b"));
  const CacheStats before = cache.stats();

  // As Redis's `timeout` setting or a restarted proxy would.
  auto endpoint = internal::ParseRedisUrl(SharedUrl());
  ASSERT_TRUE(endpoint.ok());
  auto admin = internal::RedisConnection::Connect(*endpoint, std::chrono::seconds(5));
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  auto killed = (*admin)->Command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
  ASSERT_TRUE(killed.ok());
  ASSERT_EQ(killed->type, internal::Reply::Type::kInteger) << killed->text;
  ASSERT_GE(killed->integer, 1);

  STRATA_ASSERT_OK(cache.GetBucket("b"));
  const CacheStats after = cache.stats();
  EXPECT_EQ(after.hits, before.hits + 1);
  EXPECT_EQ(after.errors, before.errors);
  EXPECT_TRUE(after.connected);
}

// --- The figure: an object head from the cache vs. straight from SQLite -------

int64_t MedianNanos(std::vector<int64_t> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

TEST_F(CachedMetaStoreTest, MeasuresGetObjectHitAgainstSqlite) {
  Node* node = AddNode();
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  STRATA_ASSERT_OK(cache.CreateBucket(MakeBucket("b")));
  // A typical head: a 4 KiB inline body, and a 1 GiB object's 256-entry manifest.
  ObjectRecord small = MakeObject("b", "small");
  small.inline_data = std::string(4096, 's');
  small.size = small.inline_data.size();
  STRATA_ASSERT_OK(cache.PutObject(small, {}, {}, kNowMs));
  ObjectRecord large = MakeObject("b", "large");
  large.inline_data.clear();
  large.size = 0;
  std::vector<ChunkInfo> chunks;
  for (int i = 0; i < 256; ++i) {
    chunks.push_back(Chunk(i + 1));
    large.manifest.push_back(Whole(chunks.back()));
    large.size += chunks.back().size;
  }
  STRATA_ASSERT_OK(cache.PutObject(large, {}, chunks, kNowMs));

  constexpr int kRounds = 2000;
  // The floor for any cache hit: one bare round trip to Redis.
  auto endpoint = internal::ParseRedisUrl(SharedUrl());
  ASSERT_TRUE(endpoint.ok());
  auto raw = internal::RedisConnection::Connect(*endpoint, std::chrono::seconds(5));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  std::vector<int64_t> pings;
  for (int i = 0; i < kRounds; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE((*raw)->Command({"PING"}).ok());
    pings.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count());
  }
  const double ping_us = MedianNanos(pings) / 1000.0;
  std::printf("Redis PING round trip median %.1f us\n", ping_us);
  RecordProperty("redis_ping_median_us", std::to_string(ping_us));
  for (const char* key : {"small", "large"}) {
    std::vector<int64_t> direct;
    std::vector<int64_t> cached;
    STRATA_ASSERT_OK(cache.GetObject("b", key));  // fill
    const uint64_t hits = cache.stats().hits;
    for (int i = 0; i < kRounds; ++i) {
      // Interleaved, so machine noise hits both alike.
      auto t0 = std::chrono::steady_clock::now();
      auto from_store = node->store->GetObject("b", key);
      auto t1 = std::chrono::steady_clock::now();
      auto from_cache = cache.GetObject("b", key);
      auto t2 = std::chrono::steady_clock::now();
      ASSERT_TRUE(from_store.ok() && from_cache.ok());
      direct.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      cached.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t2 - t1).count());
    }
    EXPECT_EQ(cache.stats().hits, hits + kRounds);
    const double direct_us = MedianNanos(direct) / 1000.0;
    const double cached_us = MedianNanos(cached) / 1000.0;
    std::printf("GetObject head '%s': SQLite median %.1f us, Redis cache hit median %.1f us\n", key,
                direct_us, cached_us);
    RecordProperty(std::string(key) + "_sqlite_median_us", std::to_string(direct_us));
    RecordProperty(std::string(key) + "_cache_hit_median_us", std::to_string(cached_us));
  }
}

}  // namespace
}  // namespace strata::meta::cache
