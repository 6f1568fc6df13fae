#include "meta/sqlite/internal/bucket_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace strata::meta::sqlite::internal {
namespace {

Bucket MakeBucket(std::string name, std::string policy = "") {
  Bucket bucket;
  bucket.name = std::move(name);
  bucket.owner = "owner-1";
  bucket.policy = std::move(policy);
  return bucket;
}

TEST(BucketCacheTest, AFilledBucketIsFoundUntilInvalidated) {
  BucketCache cache;
  EXPECT_FALSE(cache.Find("b"));
  cache.Fill(cache.Ticket(), MakeBucket("b", "p1"));
  std::optional<Bucket> found = cache.Find("b");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->policy, "p1");
  EXPECT_FALSE(cache.Find("other"));
  cache.Invalidate("b");
  EXPECT_FALSE(cache.Find("b"));
}

TEST(BucketCacheTest, AFillReadBeforeAnInvalidationIsRefused) {
  BucketCache cache;
  // A reader takes its ticket and reads the old row; a write lands and
  // invalidates; the reader's fill must not bring the old row back.
  const uint64_t ticket = cache.Ticket();
  cache.Invalidate("b");
  cache.Fill(ticket, MakeBucket("b", "old"));
  EXPECT_FALSE(cache.Find("b"));
  // Invalidating any bucket refuses older tickets: the generation is shared.
  const uint64_t second = cache.Ticket();
  cache.Invalidate("unrelated");
  cache.Fill(second, MakeBucket("b", "old"));
  EXPECT_FALSE(cache.Find("b"));
  // A ticket taken after the write fills.
  cache.Fill(cache.Ticket(), MakeBucket("b", "new"));
  ASSERT_TRUE(cache.Find("b"));
  EXPECT_EQ(cache.Find("b")->policy, "new");
}

TEST(BucketCacheTest, EntriesExpireAfterTheTtl) {
  BucketCache cache(std::chrono::milliseconds(30));
  cache.Fill(cache.Ticket(), MakeBucket("b"));
  EXPECT_TRUE(cache.Find("b"));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_FALSE(cache.Find("b"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(BucketCacheTest, AZeroTtlTurnsItOff) {
  BucketCache cache(std::chrono::milliseconds(0));
  cache.Fill(cache.Ticket(), MakeBucket("b"));
  EXPECT_FALSE(cache.Find("b"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(BucketCacheTest, StaysWithinItsCapacity) {
  BucketCache cache(std::chrono::seconds(60), /*capacity=*/3);
  for (int i = 0; i < 10; ++i) {
    cache.Fill(cache.Ticket(), MakeBucket("b" + std::to_string(i)));
    EXPECT_LE(cache.size(), 3u);
    EXPECT_TRUE(cache.Find("b" + std::to_string(i)));
  }
}

}  // namespace
}  // namespace strata::meta::sqlite::internal
