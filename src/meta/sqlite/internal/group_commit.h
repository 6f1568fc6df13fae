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
    if (leader_active_) {
      // Each waiter sleeps on its own condition variable, so a finished
      // commit wakes exactly the callers it holds and the next leader; one
      // shared notify_all also woke every caller still queued, each only to
      // sleep again (about 6 % of a small PUT's CPU went to those futexes).
      entry.cv.wait(lock, [&] { return entry.done || entry.lead; });
      if (entry.done) return;
    }
    // Leading: this entry is at the front of the queue (a caller leads
    // either because the queue was empty or because it was handed the lead
    // as the oldest waiter).
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
    // Notified under the lock: a woken waiter returns and destroys its
    // Entry, condition variable included, as soon as it can take the lock.
    for (Entry* e : batch) {
      e->done = true;
      if (e != &entry) e->cv.notify_one();
    }
    if (queue_.empty()) {
      leader_active_ = false;
    } else {
      queue_.front()->lead = true;
      queue_.front()->cv.notify_one();
    }
    lock.unlock();
    if (failure) std::rethrow_exception(failure);
  }

 private:
  struct Entry {
    Item* item;
    bool done = false;  // its batch has been committed
    bool lead = false;  // handed the lead for the next batch
    std::condition_variable cv;
  };

  const size_t max_batch_;
  std::mutex mu_;
  std::deque<Entry*> queue_;    // GUARDED_BY(mu_)
  bool leader_active_ = false;  // GUARDED_BY(mu_): a batch is committing or handed on
};

}  // namespace strata::meta::sqlite::internal
