// CachedMetaStore when Redis fails: killed, restarted, or stopped (accepting
// connections, answering nothing). Each test runs its own redis-server.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

#include "meta/cache/cached_meta_store.h"
#include "meta/cache/internal/redis_connection.h"
#include "meta/cache/internal/redis_url.h"
#include "meta/cache/internal/test_util.h"
#include "meta/cache/testing/redis_server.h"
#include "meta/internal/contract_util.h"

namespace strata::meta::cache {
namespace {

using common::Code;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using internal::Node;
using internal::WaitUntil;

// Far above the expected ~1-3 timeouts per call: only a hang fails it.
constexpr std::chrono::milliseconds kCallBound{3000};

class CacheFaultsTest : public internal::CacheTest {
 protected:
  void SetUp() override {
    CacheTest::SetUp();
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    CacheTest::TearDown();
    server_.reset();
  }

  // The production timeout's order of magnitude, so outages cost little.
  Node* AddFastNode() {
    CacheOptions options = Options();
    options.timeout_ms = 100;
    return AddNode(server_->Url(), options);
  }

  // Runs `call`, failing the test when it took longer than kCallBound.
  template <class Call>
  auto Bounded(const char* what, Call&& call) {
    const auto start = std::chrono::steady_clock::now();
    auto result = call();
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, kCallBound) << what;
    slowest_ = std::max(slowest_, std::chrono::duration_cast<std::chrono::milliseconds>(took));
    return result;
  }

  // The object, access key and effective policies the tests follow.
  static void Seed(CachedMetaStore& cache) {
    ASSERT_TRUE(cache.CreateBucket(MakeBucket("b")).ok());
    ASSERT_TRUE(cache.PutObject(MakeObject("b", "k", "etag-0"), {}, {}, kNowMs).ok());
    ASSERT_TRUE(cache.CreateUser({.id = "u1", .name = "alice"}).ok());
    ASSERT_TRUE(cache.CreateAccessKey({.access_key = "AK1", .user_id = "u1"}).ok());
    ASSERT_TRUE(cache.CreateGroup({.name = "g"}).ok());
    ASSERT_TRUE(cache.AddGroupMember("g", "u1").ok());
  }

  // What `cache` answers for everything cached, against the store's truth.
  void ExpectFresh(CachedMetaStore& cache, sqlite::SqliteMetaStore& truth) {
    auto head = Bounded("GetObject", [&] { return cache.GetObject("b", "k"); });
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->etag, truth.GetObject("b", "k")->etag);
    auto bucket = Bounded("GetBucket", [&] { return cache.GetBucket("b"); });
    ASSERT_TRUE(bucket.ok());
    EXPECT_EQ(bucket->policy, truth.GetBucket("b")->policy);
    auto key = Bounded("GetAccessKey", [&] { return cache.GetAccessKey("AK1"); });
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->disabled, truth.GetAccessKey("AK1")->disabled);
    auto names = Bounded("EffectivePolicyNames", [&] { return cache.EffectivePolicyNames("u1"); });
    ASSERT_TRUE(names.ok());
    EXPECT_EQ(*names, *truth.EffectivePolicyNames("u1"));
  }

  // Round `i` of writes: a new object ETag, bucket policy, key state and
  // group policy set.
  void Write(CachedMetaStore& cache, int i) {
    const std::string n = std::to_string(i);
    EXPECT_TRUE(Bounded("PutObject", [&] {
                  return cache.PutObject(MakeObject("b", "k", "etag-" + n), {}, {}, kNowMs);
                }).ok());
    EXPECT_TRUE(Bounded("SetBucketPolicy", [&] {
                  return cache.SetBucketPolicy("b", "{\"round\":" + n + "}");
                }).ok());
    EXPECT_TRUE(Bounded("SetAccessKeyDisabled", [&] {
                  return cache.SetAccessKeyDisabled("AK1", i % 2 == 1);
                }).ok());
    EXPECT_TRUE(Bounded("AttachPolicy", [&] {
                  return cache.AttachPolicy(
                      {.policy = "p" + n, .kind = PrincipalKind::kGroup, .principal = "g"});
                }).ok());
  }

  std::unique_ptr<testing::RedisServer> server_;
  std::chrono::milliseconds slowest_{0};
};

TEST_F(CacheFaultsTest, RedisKilledMidRunEveryCallStillAnswersRight) {
  Node* node = AddFastNode();
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  Seed(cache);
  ExpectFresh(cache, *node->store);
  ExpectFresh(cache, *node->store);  // now from Redis
  ASSERT_GT(cache.stats().hits, 0u);

  server_->Kill();
  for (int i = 1; i <= 10; ++i) {
    Write(cache, i);
    ExpectFresh(cache, *node->store);
  }
  EXPECT_GT(cache.stats().errors, 0u);
  EXPECT_FALSE(cache.stats().connected);
  std::printf("slowest call with Redis killed: %lld ms\n",
              static_cast<long long>(slowest_.count()));
}

TEST_F(CacheFaultsTest, RestartedRedisIsUsedAgainAndNothingFromTheOutageIsStale) {
  Node* node = AddFastNode();
  ASSERT_NE(node, nullptr);
  CachedMetaStore& cache = *node->cache;
  Seed(cache);
  ExpectFresh(cache, *node->store);
  ExpectFresh(cache, *node->store);

  server_->Kill();
  for (int i = 1; i <= 3; ++i) Write(cache, i);
  ExpectFresh(cache, *node->store);

  ASSERT_TRUE(server_->Restart().ok());
  ASSERT_TRUE(WaitUntil([&] { return cache.stats().connected; }));
  ExpectFresh(cache, *node->store);
  const uint64_t hits = cache.stats().hits;
  ExpectFresh(cache, *node->store);
  EXPECT_EQ(cache.stats().hits, hits + 4) << "the cache must be used again";
  Write(cache, 4);
  ExpectFresh(cache, *node->store);
}

// The hard case: a stopped Redis keeps its data. Writes made while it cannot
// be reached leave their old entries in it; once it answers again, none may
// be served, by the writer or by a node that never noticed the outage.
TEST_F(CacheFaultsTest, StoppedRedisCostsBoundedTimeAndLeavesNothingStale) {
  Node* writer = AddFastNode();
  Node* other = AddFastNode();
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(other, nullptr);
  Seed(*writer->cache);
  for (Node* node : {writer, other}) {
    ExpectFresh(*node->cache, *node->store);
    ExpectFresh(*node->cache, *node->store);
  }
  const std::string stale_slot = prefix_ + "o:b/k";

  server_->Pause();
  // The writer's first round trip times out; from then on it skips Redis, so
  // its writes' invalidations are never even sent: it is dirty.
  ExpectFresh(*writer->cache, *writer->store);
  EXPECT_FALSE(writer->cache->stats().connected);
  for (int i = 1; i <= 3; ++i) {
    Write(*writer->cache, i);
    ExpectFresh(*writer->cache, *writer->store);
  }
  EXPECT_GT(writer->cache->stats().errors, 0u);
  std::printf("slowest call with Redis stopped: %lld ms\n",
              static_cast<long long>(slowest_.count()));

  server_->Resume();
  // The other node did nothing during the outage, so its connections are
  // intact: it relies on the writer's epoch bump, made on reconnecting.
  ASSERT_TRUE(WaitUntil([&] { return writer->cache->stats().connected; }));
  // The pre-outage entry is physically still there, just dead.
  auto endpoint = internal::ParseRedisUrl(server_->Url());
  ASSERT_TRUE(endpoint.ok());
  auto raw = internal::RedisConnection::Connect(*endpoint, std::chrono::seconds(5));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  auto slot = (*raw)->Command({"GET", stale_slot});
  ASSERT_TRUE(slot.ok());
  EXPECT_NE(slot->text.find("etag-0"), std::string::npos) << "the test lost its point";

  for (Node* node : {other, writer}) {
    ExpectFresh(*node->cache, *node->store);
    const uint64_t hits = node->cache->stats().hits;
    ExpectFresh(*node->cache, *node->store);
    EXPECT_EQ(node->cache->stats().hits, hits + 4) << "the cache must be used again";
  }
}

TEST_F(CacheFaultsTest, OpeningAgainstAStoppedRedisReturnsPromptly) {
  server_->Pause();
  const auto start = std::chrono::steady_clock::now();
  Node* node = AddFastNode();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kCallBound);
  ASSERT_NE(node, nullptr);
  EXPECT_FALSE(node->cache->stats().connected);
  Seed(*node->cache);
  ExpectFresh(*node->cache, *node->store);
  server_->Resume();
  ASSERT_TRUE(WaitUntil([&] { return node->cache->stats().connected; }));
  ExpectFresh(*node->cache, *node->store);
  ExpectFresh(*node->cache, *node->store);
  EXPECT_GT(node->cache->stats().hits, 0u);
}

TEST_F(CacheFaultsTest, UnreachableRedisIsNotAnOpenError) {
  const int port = server_->port();
  server_->Kill();
  CacheOptions options = Options();
  options.timeout_ms = 100;
  Node* node = AddNode("redis://127.0.0.1:" + std::to_string(port), options);
  ASSERT_NE(node, nullptr);
  EXPECT_FALSE(node->cache->stats().connected);
  Seed(*node->cache);
  ExpectFresh(*node->cache, *node->store);
  ASSERT_TRUE(server_->Restart().ok());
  ASSERT_TRUE(WaitUntil([&] { return node->cache->stats().connected; }));
}

using OpenCachedMetaStoreTest = internal::CacheTest;

TEST_F(OpenCachedMetaStoreTest, RejectsBadUrlsAndOptions) {
  auto store = sqlite::SqliteMetaStore::Open((dir_ / "meta.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(OpenCachedMetaStore(**store, **store, "http://cache").status().code(),
            Code::kInvalidArgument);
  for (auto change : std::initializer_list<std::function<void(CacheOptions&)>>{
           [](CacheOptions& o) { o.timeout_ms = 0; }, [](CacheOptions& o) { o.ttl_ms = 0; },
           [](CacheOptions& o) { o.connections = 0; }}) {
    CacheOptions options;
    change(options);
    EXPECT_EQ(OpenCachedMetaStore(**store, **store, "redis://127.0.0.1:1", options).status().code(),
              Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace strata::meta::cache
