#include "storage/background/background_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "storage/testing/storage_fixture.h"

namespace strata::storage {
namespace {

using meta::ChunkInfo;
using SteadyClock = std::chrono::steady_clock;
using testing::WaitFor;

constexpr std::chrono::milliseconds kGrace{60'000};
constexpr std::chrono::hours kLongInterval{1};

// The FixedClock is only changed while the worker is idle and before the
// trigger that makes it read the clock: the trigger's mutex orders the two.
class BackgroundWorkerTest : public testing::StorageFixture {
 protected:
  void MakeWorker(BackgroundOptions options, HealerOptions healer_options = {}) {
    gc_ = std::make_unique<GarbageCollector>(*meta_, chunks_, clock_, GcOptions{kGrace, 1000});
    healer_ = std::make_unique<Healer>(*meta_, chunks_, clock_, healer_options);
    worker_ = std::make_unique<BackgroundWorker>(*gc_, *healer_, options);
  }

  void TearDown() override {
    worker_.reset();  // stops the thread before what it uses goes away
    healer_.reset();
    gc_.reset();
    StorageFixture::TearDown();
  }

  std::unique_ptr<GarbageCollector> gc_;
  std::unique_ptr<Healer> healer_;
  std::unique_ptr<BackgroundWorker> worker_;
};

TEST_F(BackgroundWorkerTest, RunsGcWhenTriggered) {
  ChunkInfo chunk = PutObject("a", Content(1));
  DeleteObject("a");
  clock_.Set(kStartMs + kGrace.count());
  MakeWorker({kLongInterval, kLongInterval});

  worker_->TriggerGc();
  ASSERT_TRUE(WaitFor([&] { return worker_->runs().gc_passes >= 1; }));
  EXPECT_FALSE(chunks_.Contains(chunk.location));
  EXPECT_EQ(gc_->totals().chunks_deleted, 1u);
  EXPECT_EQ(worker_->runs().heal_passes, 0u);
}

TEST_F(BackgroundWorkerTest, ZeroIntervalsRunNothingByThemselves) {
  MakeWorker({});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(worker_->runs(), BackgroundRuns{});
  EXPECT_EQ(chunks_.calls(), testing::ChunkStoreCalls{});
}

TEST_F(BackgroundWorkerTest, RunsGcEveryInterval) {
  MakeWorker({.gc_interval = std::chrono::milliseconds(5)});
  ASSERT_TRUE(WaitFor([&] { return worker_->runs().gc_passes >= 3; }));
  EXPECT_EQ(worker_->runs().heal_passes, 0u);
}

TEST_F(BackgroundWorkerTest, RunsHealPassEveryInterval) {
  MakeWorker({.heal_interval = std::chrono::milliseconds(5)});
  ASSERT_TRUE(WaitFor([&] { return healer_->progress().passes_completed >= 2; }));
  EXPECT_EQ(worker_->runs().gc_passes, 0u);
}

TEST_F(BackgroundWorkerTest, TriggeredHealPassRepairs) {
  ChunkInfo chunk = PutObject("a", Content(1));
  ASSERT_TRUE(chunks_.MarkCorrupt(chunk.location, 0));
  MakeWorker({kLongInterval, kLongInterval});

  worker_->TriggerHealPass();
  ASSERT_TRUE(WaitFor([&] { return worker_->runs().heal_passes >= 1; }));
  EXPECT_EQ(chunks_.BadShards(chunk.location), 0);
  EXPECT_EQ(healer_->progress().passes_completed, 1u);
}

TEST_F(BackgroundWorkerTest, EnqueuedChunkIsHealedWithoutWaitingForTheTick) {
  ChunkInfo chunk = PutObject("a", Content(1));
  ASSERT_TRUE(chunks_.MarkMissing(chunk.location, 2));
  MakeWorker({kLongInterval, kLongInterval});
  chunks_.SetDegradedReadCallback(
      [&](const ChunkInfo& degraded) { worker_->EnqueueHeal(degraded); });

  const auto start = SteadyClock::now();
  ASSERT_TRUE(Readable(chunk, Content(1)));  // degraded: queues the chunk
  ASSERT_TRUE(WaitFor([&] { return chunks_.BadShards(chunk.location) == 0; }));
  // The periodic drain comes every second; the wake-up is much sooner.
  EXPECT_LT(SteadyClock::now() - start, std::chrono::milliseconds(900));
  ASSERT_TRUE(WaitFor([&] { return worker_->runs().queue_drains >= 1; }));
  EXPECT_EQ(worker_->runs().heal_passes, 0u);
}

TEST_F(BackgroundWorkerTest, TriggerDuringARunningPassDoesNotDoubleIt) {
  PutObjects(3);
  // 20 chunks per second: the pass takes about 100 ms, long enough to
  // trigger again while it runs.
  MakeWorker({kLongInterval, kLongInterval}, HealerOptions{.max_chunks_per_second = 20});
  worker_->TriggerHealPass();
  ASSERT_TRUE(WaitFor([&] { return healer_->progress().pass_running; }));
  for (int i = 0; i < 3; ++i) worker_->TriggerHealPass();
  ASSERT_TRUE(WaitFor([&] { return worker_->runs().heal_passes >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(worker_->runs().heal_passes, 1u);
  EXPECT_EQ(healer_->progress().passes_completed, 1u);
  EXPECT_EQ(healer_->progress().chunks_checked, 3u);
}

TEST_F(BackgroundWorkerTest, StopEndsASlowHealPassPromptly) {
  PutObjects(4);
  // One heal every 2 s: without Stop's wake-up this pass would take 6 s.
  MakeWorker({kLongInterval, kLongInterval}, HealerOptions{.max_chunks_per_second = 0.5});
  worker_->TriggerHealPass();
  ASSERT_TRUE(WaitFor([&] { return healer_->progress().chunks_checked >= 1; }));

  const auto stop_at = SteadyClock::now();
  worker_->Stop();
  EXPECT_LT(SteadyClock::now() - stop_at, std::chrono::milliseconds(1000));
  EXPECT_EQ(healer_->progress().passes_completed, 0u);
  EXPECT_FALSE(healer_->progress().pass_running);
  worker_->Stop();  // idempotent
}

TEST_F(BackgroundWorkerTest, StopWhileIdleIsPrompt) {
  MakeWorker({kLongInterval, kLongInterval});
  const auto stop_at = SteadyClock::now();
  worker_->Stop();
  EXPECT_LT(SteadyClock::now() - stop_at, std::chrono::milliseconds(1000));
  worker_->TriggerGc();  // after Stop: ignored, no crash
  EXPECT_EQ(worker_->runs(), BackgroundRuns{});
}

}  // namespace
}  // namespace strata::storage
