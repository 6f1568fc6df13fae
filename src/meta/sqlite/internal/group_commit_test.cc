#include "meta/sqlite/internal/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

namespace strata::meta::sqlite::internal {
namespace {

struct Item {
  int id = 0;
  int batch = -1;  // which commit carried it
};

// Records every batch; the first commit can be held open so that others
// queue up behind it.
class Recorder {
 public:
  void Commit(std::span<Item* const> items) {
    std::vector<int> ids;
    {
      std::lock_guard lock(mu_);
      const int number = static_cast<int>(batches_.size());
      for (Item* item : items) {
        item->batch = number;
        ids.push_back(item->id);
      }
      batches_.push_back(ids);
    }
    if (hold_first_.exchange(false)) {
      entered_.set_value();
      release_.get_future().wait();
    }
  }
  void HoldFirst() { hold_first_ = true; }
  void WaitEntered() { entered_.get_future().wait(); }
  void Release() { release_.set_value(); }
  std::vector<std::vector<int>> batches() {
    std::lock_guard lock(mu_);
    return batches_;
  }

 private:
  std::mutex mu_;
  std::vector<std::vector<int>> batches_;
  std::atomic<bool> hold_first_{false};
  std::promise<void> entered_;
  std::promise<void> release_;
};

void WaitQueued(GroupCommit<Item>& commits, size_t n) {
  for (int i = 0; i < 5000 && commits.queued() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(commits.queued(), n);
}

TEST(GroupCommitTest, ALoneWriterCommitsAtOnce) {
  GroupCommit<Item> commits(8);
  Recorder recorder;
  Item item{1};
  commits.Submit(item, [&](std::span<Item* const> batch) { recorder.Commit(batch); });
  EXPECT_EQ(item.batch, 0);
  EXPECT_EQ(recorder.batches(), (std::vector<std::vector<int>>{{1}}));
}

// Submits items[0] and holds its commit open until every other item has
// queued behind it, then lets all run; returns the batches as committed.
std::vector<std::vector<int>> CommitBehindAHeldOne(size_t max_batch, std::vector<Item>& items) {
  GroupCommit<Item> commits(max_batch);
  Recorder recorder;
  recorder.HoldFirst();
  auto submit = [&](Item& item) {
    commits.Submit(item, [&](std::span<Item* const> batch) { recorder.Commit(batch); });
  };
  std::thread first([&] { submit(items[0]); });
  recorder.WaitEntered();
  std::vector<std::thread> others;
  for (size_t i = 1; i < items.size(); ++i) others.emplace_back([&, i] { submit(items[i]); });
  WaitQueued(commits, items.size() - 1);
  recorder.Release();
  first.join();
  for (std::thread& t : others) t.join();
  return recorder.batches();
}

TEST(GroupCommitTest, WritersArrivingDuringACommitShareTheNext) {
  std::vector<Item> items = {{1}, {2}, {3}, {4}};
  const auto batches = CommitBehindAHeldOne(8, items);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0], std::vector<int>{1});
  EXPECT_EQ(batches[1].size(), 3u);  // 2, 3 and 4 in one commit
  for (size_t i = 1; i < items.size(); ++i) EXPECT_EQ(items[i].batch, 1) << i;
}

TEST(GroupCommitTest, BatchesAreCappedAndEveryWriterIsCommittedOnce) {
  std::vector<Item> items = {{1}, {2}, {3}, {4}, {5}, {6}};
  const auto batches = CommitBehindAHeldOne(2, items);
  std::vector<int> seen;
  for (const auto& batch : batches) {
    EXPECT_LE(batch.size(), 2u);
    seen.insert(seen.end(), batch.begin(), batch.end());
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(batches.size(), 4u);  // {1}, then the 5 queued ones in pairs
}

// A commit that throws ends its batch and reaches its own caller; the next
// writer commits normally instead of waiting forever for a leader.
TEST(GroupCommitTest, ACommitThatThrowsDoesNotStallLaterWriters) {
  GroupCommit<Item> commits(8);
  Item first{1};
  EXPECT_THROW(commits.Submit(first, [](std::span<Item* const>) { throw std::runtime_error("x"); }),
               std::runtime_error);
  Recorder recorder;
  Item second{2};
  commits.Submit(second, [&](std::span<Item* const> batch) { recorder.Commit(batch); });
  EXPECT_EQ(recorder.batches(), (std::vector<std::vector<int>>{{2}}));
}

}  // namespace
}  // namespace strata::meta::sqlite::internal
