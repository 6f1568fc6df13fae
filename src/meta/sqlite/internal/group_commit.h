// Group commit: writers that each need a durable commit share one. The first
// caller to find no commit in progress becomes the leader: it takes every
// request queued so far (itself included, up to max_batch), commits them
// together (one fsync), and wakes the others; callers that arrive while a
// commit runs queue up for the next one. A lone writer is a batch of one and
// waits for nobody, so only concurrent writers are batched, and each still
// returns only after the commit that holds its write.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <span>
#include <vector>

namespace strata::meta::sqlite::internal {

template <class Item>
class GroupCommit {
 public:
  explicit GroupCommit(size_t max_batch) : max_batch_(std::max<size_t>(1, max_batch)) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Requests waiting for a commit to take them (tests use it to line up a
  // batch).
  size_t queued() {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

  // Returns once commit(batch) has returned for a batch holding item; commit
  // runs on this thread or another caller's, never on two at once, and
  // reports each item's outcome in the item itself. If commit throws, its
  // batch still ends (the other items keep whatever outcome commit gave
  // them) and the exception reaches the caller that ran it; later batches
  // are not held up.
  template <class CommitBatch>
  void Submit(Item& item, CommitBatch&& commit) {
    Entry entry{&item};
    std::unique_lock lock(mu_);
    queue_.push_back(&entry);
    while (!entry.done) {
      if (leader_active_) {
        cv_.wait(lock);
        continue;
      }
      leader_active_ = true;
      const size_t n = std::min(queue_.size(), max_batch_);
      std::vector<Entry*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      std::vector<Item*> items;
      items.reserve(batch.size());
      for (Entry* e : batch) items.push_back(e->item);
      std::exception_ptr failure;
      try {
        commit(std::span<Item* const>(items));
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      for (Entry* e : batch) e->done = true;
      leader_active_ = false;
      cv_.notify_all();
      if (failure) std::rethrow_exception(failure);
    }
  }

 private:
  struct Entry {
    Item* item;
    bool done = false;
  };

  const size_t max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Entry*> queue_;    // GUARDED_BY(mu_)
  bool leader_active_ = false;  // GUARDED_BY(mu_)
};

}  // namespace strata::meta::sqlite::internal
