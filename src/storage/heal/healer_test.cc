#include "storage/heal/healer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "storage/testing/storage_fixture.h"

namespace strata::storage {
namespace {

using common::Code;
using meta::ChunkInfo;
using SteadyClock = std::chrono::steady_clock;
using testing::WaitFor;

class HealerTest : public testing::StorageFixture {
 protected:
  std::unique_ptr<Healer> MakeHealer(HealerOptions options = {}) {
    return std::make_unique<Healer>(*meta_, chunks_, clock_, options);
  }
};

TEST_F(HealerTest, FullPassRepairsMissingAndCorruptShards) {
  std::vector<ChunkInfo> stored = PutObjects(3);
  ASSERT_TRUE(chunks_.MarkMissing(stored[0].location, 0));
  ASSERT_TRUE(chunks_.MarkCorrupt(stored[1].location, 1));
  ASSERT_TRUE(chunks_.MarkMissing(stored[1].location, 5));
  auto healer = MakeHealer();

  clock_.Set(kStartMs + 5);
  ASSERT_TRUE(healer->RunFullPass().ok());
  HealProgress progress = healer->progress();
  EXPECT_FALSE(progress.pass_running);
  EXPECT_EQ(progress.passes_completed, 1u);
  EXPECT_EQ(progress.chunks_checked, 3u);
  EXPECT_EQ(progress.shards_missing, 2u);
  EXPECT_EQ(progress.shards_corrupt, 1u);
  EXPECT_EQ(progress.shards_rebuilt, 3u);
  EXPECT_EQ(progress.chunks_unrecoverable, 0u);
  EXPECT_EQ(progress.last_pass_started_ms, kStartMs + 5);
  EXPECT_EQ(progress.last_pass_finished_ms, kStartMs + 5);
  for (const ChunkInfo& chunk : stored) EXPECT_EQ(chunks_.BadShards(chunk.location), 0);
  EXPECT_TRUE(Readable(stored[1], Content(1)));
}

TEST_F(HealerTest, CountsUnrecoverableChunksAndGoesOn) {
  std::vector<ChunkInfo> stored = PutObjects(3);
  // K=4, M=2: three bad shards leave too few to rebuild from.
  for (int shard : {0, 1, 2}) ASSERT_TRUE(chunks_.MarkMissing(stored[0].location, shard));
  ASSERT_TRUE(chunks_.MarkMissing(stored[2].location, 3));
  chunks_.SetFailure(stored[1].location, common::Error(Code::kInternal, "I/O error"));
  auto healer = MakeHealer();

  ASSERT_TRUE(healer->RunFullPass().ok()) << "per-chunk failures do not fail the pass";
  HealProgress progress = healer->progress();
  EXPECT_EQ(progress.chunks_checked, 3u);
  EXPECT_EQ(progress.chunks_unrecoverable, 2u);
  EXPECT_EQ(progress.shards_rebuilt, 1u);
  EXPECT_EQ(chunks_.BadShards(stored[0].location), 3) << "nothing rewritten";
  EXPECT_EQ(chunks_.BadShards(stored[2].location), 0);
}

TEST_F(HealerTest, WalksEveryPageAndAccumulatesOverPasses) {
  std::vector<ChunkInfo> stored = PutObjects(5);
  auto healer = MakeHealer(HealerOptions{.page_size = 2});
  ASSERT_TRUE(healer->RunFullPass().ok());
  EXPECT_EQ(chunks_.calls().heal, 5u);

  ASSERT_TRUE(chunks_.MarkCorrupt(stored[4].location, 2));
  clock_.Set(kStartMs + 1000);
  ASSERT_TRUE(healer->RunFullPass().ok());
  HealProgress progress = healer->progress();
  EXPECT_EQ(progress.passes_completed, 2u);
  EXPECT_EQ(progress.chunks_checked, 10u);
  EXPECT_EQ(progress.shards_corrupt, 1u);
  EXPECT_EQ(progress.shards_rebuilt, 1u);
  EXPECT_EQ(progress.last_pass_started_ms, kStartMs + 1000);
}

TEST_F(HealerTest, QueueRepairsAndDeduplicatesByLocation) {
  std::vector<ChunkInfo> stored = PutObjects(2);
  ASSERT_TRUE(chunks_.MarkMissing(stored[0].location, 4));
  auto healer = MakeHealer();

  healer->Enqueue(stored[0]);
  healer->Enqueue(stored[0]);
  healer->Enqueue(stored[1]);
  healer->Enqueue(stored[0]);
  EXPECT_EQ(healer->progress().queued, 2u);

  EXPECT_EQ(healer->DrainQueue(), 2u);
  EXPECT_EQ(chunks_.BadShards(stored[0].location), 0);
  HealProgress progress = healer->progress();
  EXPECT_EQ(progress.queued, 0u);
  EXPECT_EQ(progress.chunks_checked, 2u);
  EXPECT_EQ(progress.shards_rebuilt, 1u);
  EXPECT_EQ(progress.passes_completed, 0u) << "a drain is not a pass";
  EXPECT_EQ(healer->DrainQueue(), 0u);

  healer->Enqueue(stored[0]);  // healed and gone from the queue: may come back
  EXPECT_EQ(healer->progress().queued, 1u);
}

TEST_F(HealerTest, QueueDropsChunksBeyondItsLimit) {
  std::vector<ChunkInfo> stored = PutObjects(3);
  auto healer = MakeHealer(HealerOptions{.queue_limit = 2});
  for (const ChunkInfo& chunk : stored) healer->Enqueue(chunk);
  EXPECT_EQ(healer->progress().queued, 2u);
  EXPECT_EQ(healer->DrainQueue(), 2u);
}

TEST_F(HealerTest, QueueCountsUnrecoverableChunks) {
  std::vector<ChunkInfo> stored = PutObjects(1);
  for (int shard : {0, 1, 2, 3}) ASSERT_TRUE(chunks_.MarkCorrupt(stored[0].location, shard));
  auto healer = MakeHealer();
  healer->Enqueue(stored[0]);
  EXPECT_EQ(healer->DrainQueue(), 1u);
  EXPECT_EQ(healer->progress().chunks_unrecoverable, 1u);
}

TEST_F(HealerTest, DegradedReadsFeedTheQueue) {
  std::vector<ChunkInfo> stored = PutObjects(1);
  auto healer = MakeHealer();
  chunks_.SetDegradedReadCallback([&](const ChunkInfo& chunk) { healer->Enqueue(chunk); });
  ASSERT_TRUE(chunks_.MarkMissing(stored[0].location, 1));

  EXPECT_TRUE(Readable(stored[0], Content(0))) << "one missing shard still reads";
  EXPECT_EQ(healer->progress().queued, 1u);
  EXPECT_EQ(healer->DrainQueue(), 1u);
  EXPECT_EQ(chunks_.BadShards(stored[0].location), 0);
  EXPECT_TRUE(Readable(stored[0], Content(0)));
  EXPECT_EQ(healer->progress().queued, 0u) << "a clean read queues nothing";
}

TEST_F(HealerTest, FullPassDrainsTheQueueFirst) {
  std::vector<ChunkInfo> stored = PutObjects(2);
  ChunkInfo orphan = WriteChunk(Content(9));  // no row: only the queue knows it
  ASSERT_TRUE(chunks_.MarkMissing(orphan.location, 0));
  auto healer = MakeHealer();
  healer->Enqueue(orphan);
  ASSERT_TRUE(healer->RunFullPass().ok());
  EXPECT_EQ(healer->progress().chunks_checked, 3u);
  EXPECT_EQ(healer->progress().queued, 0u);
  EXPECT_EQ(chunks_.BadShards(orphan.location), 0);
}

TEST_F(HealerTest, RateLimitSpacesHeals) {
  PutObjects(5);
  // 100 per second: the first heal at once, then one every 10 ms.
  auto healer = MakeHealer(HealerOptions{.max_chunks_per_second = 100});
  const auto start = SteadyClock::now();
  ASSERT_TRUE(healer->RunFullPass().ok());
  EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds(40));
  EXPECT_EQ(healer->progress().chunks_checked, 5u);
}

TEST_F(HealerTest, RequestStopEndsAPassMidSleep) {
  PutObjects(4);
  // One heal every 2 s: the pass spends its time asleep in the rate limiter.
  auto healer = MakeHealer(HealerOptions{.max_chunks_per_second = 0.5});
  common::Status pass_status;
  std::thread pass([&] { pass_status = healer->RunFullPass(); });
  ASSERT_TRUE(WaitFor([&] { return healer->progress().chunks_checked >= 1; }));
  EXPECT_TRUE(healer->progress().pass_running);

  common::Status second = healer->RunFullPass();
  EXPECT_EQ(second.code(), Code::kUnavailable) << "one pass at a time";

  const auto stop_at = SteadyClock::now();
  healer->RequestStop();
  pass.join();
  EXPECT_LT(SteadyClock::now() - stop_at, std::chrono::milliseconds(1000));
  EXPECT_EQ(pass_status.code(), Code::kUnavailable);
  HealProgress progress = healer->progress();
  EXPECT_FALSE(progress.pass_running);
  EXPECT_EQ(progress.passes_completed, 0u);
  EXPECT_LT(progress.chunks_checked, 4u);
  EXPECT_EQ(progress.last_pass_finished_ms, 0) << "only completed passes finish";

  EXPECT_EQ(healer->RunFullPass().code(), Code::kUnavailable) << "stopped for good";
  healer->Enqueue(ChunkInfo{});
  EXPECT_EQ(healer->DrainQueue(), 0u);
}

}  // namespace
}  // namespace strata::storage
