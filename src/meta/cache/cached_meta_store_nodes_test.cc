// Several CachedMetaStores ("nodes") over one SQLite file and one Redis:
// writes seen across nodes at once, the stale-fill race, and reads during a
// write, forced with the sync points.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "meta/cache/cached_meta_store.h"
#include "meta/cache/internal/test_util.h"
#include "meta/internal/contract_util.h"

namespace strata::meta::cache {
namespace {

using common::Code;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using internal::Answer;
using internal::CacheTest;
using internal::Ids;
using internal::MakeKey;
using internal::MakeUser;
using internal::Node;
using internal::ToGroup;
using internal::ToUser;

// --- Two nodes: one database file, one Redis ----------------------------------

class TwoNodesTest : public CacheTest {
 protected:
  void SetUp() override {
    CacheTest::SetUp();
    a_ = AddNode();
    b_ = AddNode();
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
  }

  // Reads through B twice, checking the second read is a hit.
  std::string CachedOnB(const std::function<std::string(MetaStore&)>& read) {
    const std::string first = read(*b_->cache);
    const uint64_t hits = b_->cache->stats().hits;
    EXPECT_EQ(read(*b_->cache), first);
    EXPECT_EQ(b_->cache->stats().hits, hits + 1);
    return first;
  }

  Node* a_ = nullptr;
  Node* b_ = nullptr;
};

TEST_F(TwoNodesTest, AWriteThroughOneNodeIsSeenThroughTheOtherAtOnce) {
  CachedMetaStore& a = *a_->cache;
  CachedMetaStore& b = *b_->cache;
  STRATA_ASSERT_OK(a.CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(a.PutObject(MakeObject("b", "k", "etag-1"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(a.CreateUser(MakeUser("u1")));
  STRATA_ASSERT_OK(a.CreateAccessKey(MakeKey("AK1", "u1")));
  STRATA_ASSERT_OK(a.CreateGroup({.name = "g"}));
  STRATA_ASSERT_OK(a.AddGroupMember("g", "u1"));

  // Object head.
  auto head = [](MetaStore& s) { return Answer(s.GetObject("b", "k")); };
  EXPECT_NE(CachedOnB(head).find("etag=etag-1"), std::string::npos);
  STRATA_ASSERT_OK(a.PutObject(MakeObject("b", "k", "etag-2"), {}, {}, kNowMs));
  EXPECT_NE(head(b).find("etag=etag-2"), std::string::npos) << head(b);

  // Bucket policy.
  auto bucket = [](MetaStore& s) { return Answer(s.GetBucket("b")); };
  EXPECT_NE(CachedOnB(bucket).find("policy="), std::string::npos);
  STRATA_ASSERT_OK(a.SetBucketPolicy("b", R"({"Statement":"x"})"));
  EXPECT_NE(bucket(b).find(R"(policy={"Statement":"x"})"), std::string::npos) << bucket(b);

  // An access key disabled.
  auto key = [](MetaStore& s) { return Answer(Ids(s).GetAccessKey("AK1")); };
  EXPECT_NE(CachedOnB(key).find("disabled=0"), std::string::npos);
  STRATA_ASSERT_OK(a.SetAccessKeyDisabled("AK1", true));
  EXPECT_NE(key(b).find("disabled=1"), std::string::npos) << key(b);

  // A policy attached to a group the user is in.
  auto effective = [](MetaStore& s) { return Answer(Ids(s).EffectivePolicyNames("u1")); };
  EXPECT_EQ(CachedOnB(effective), "[]");
  STRATA_ASSERT_OK(a.AttachPolicy(ToGroup("readonly", "g")));
  EXPECT_EQ(effective(b), "[readonly;]");
}

// The stale-fill race, forced: B misses and reads the old value from the
// store; before B fills, A writes and invalidates; B's fill must be refused.
struct RaceCase {
  std::string name;
  std::function<std::string(MetaStore&)> read;
  std::function<common::Status(CachedMetaStore&)> write;
};

TEST_F(TwoNodesTest, AFillThatLostARaceWithAnInvalidationIsRefused) {
  CachedMetaStore& a = *a_->cache;
  CachedMetaStore& b = *b_->cache;
  STRATA_ASSERT_OK(a.CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(a.PutObject(MakeObject("b", "k", "etag-1"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(a.CreateUser(MakeUser("u1")));
  STRATA_ASSERT_OK(a.CreateGroup({.name = "g"}));
  STRATA_ASSERT_OK(a.AddGroupMember("g", "u1"));

  const RaceCase cases[] = {
      {"object head", [](MetaStore& s) { return Answer(s.GetObject("b", "k")); },
       [](CachedMetaStore& c) {
         return c.PutObject(MakeObject("b", "k", "etag-2"), {}, {}, kNowMs).status();
       }},
      {"bucket policy", [](MetaStore& s) { return Answer(s.GetBucket("b")); },
       [](CachedMetaStore& c) { return c.SetBucketPolicy("b", "{}"); }},
      {"policy via group", [](MetaStore& s) { return Answer(Ids(s).EffectivePolicyNames("u1")); },
       [](CachedMetaStore& c) { return c.AttachPolicy(ToGroup("readonly", "g")); }},
  };
  for (const RaceCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string old_answer = c.read(*b_->store);
    bool raced = false;
    b.SetSyncPointForTesting([&](std::string_view point) {
      if (point != "BeforeFill" || raced) return;
      raced = true;
      EXPECT_TRUE(c.write(a).ok());
    });
    // B's read began before the write: the old answer is right for it.
    EXPECT_EQ(c.read(b), old_answer);
    b.SetSyncPointForTesting(nullptr);
    ASSERT_TRUE(raced);

    const std::string truth = c.read(*b_->store);
    ASSERT_NE(truth, old_answer);
    const CacheStats before = b.stats();
    EXPECT_EQ(c.read(b), truth);
    EXPECT_EQ(b.stats().misses, before.misses + 1) << "the racing fill must not have landed";
    EXPECT_EQ(c.read(b), truth);
    EXPECT_EQ(b.stats().hits, before.hits + 1);
  }
}

// Between a write's commit and its End, no node serves or fills the old value:
// Begin deleted it and the write marker sends reads to the store.
TEST_F(TwoNodesTest, ReadsDuringAWriteGoToTheStoreAndFillNothing) {
  CachedMetaStore& a = *a_->cache;
  CachedMetaStore& b = *b_->cache;
  STRATA_ASSERT_OK(a.CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(a.PutObject(MakeObject("b", "k", "etag-1"), {}, {}, kNowMs));
  auto head = [](MetaStore& s) { return Answer(s.GetObject("b", "k")); };
  EXPECT_NE(CachedOnB(head).find("etag=etag-1"), std::string::npos);

  bool inside = false;
  a.SetSyncPointForTesting([&](std::string_view point) {
    if (point != "BeforeInvalidationEnd" || inside) return;
    inside = true;
    const CacheStats before = b.stats();
    EXPECT_NE(head(b).find("etag=etag-2"), std::string::npos);
    EXPECT_NE(head(b).find("etag=etag-2"), std::string::npos);
    EXPECT_EQ(b.stats().misses, before.misses + 2);
    EXPECT_EQ(b.stats().hits, before.hits);
  });
  STRATA_ASSERT_OK(a.PutObject(MakeObject("b", "k", "etag-2"), {}, {}, kNowMs));
  a.SetSyncPointForTesting(nullptr);
  ASSERT_TRUE(inside);
  EXPECT_NE(CachedOnB(head).find("etag=etag-2"), std::string::npos);
}

}  // namespace
}  // namespace strata::meta::cache
