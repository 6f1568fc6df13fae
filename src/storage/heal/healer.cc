#include "storage/heal/healer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace strata::storage {

using common::Code;
using common::Error;
using common::Status;

namespace {

Status Stopped() { return Error(Code::kUnavailable, "healer stopped"); }

}  // namespace

Healer::Healer(meta::MetaStore& meta, ChunkStore& chunks, const common::Clock& clock,
               HealerOptions options)
    : meta_(meta), chunks_(chunks), clock_(clock), options_(options) {}

void Healer::Enqueue(const meta::ChunkInfo& chunk) {
  std::lock_guard lock(mu_);
  if (queue_.size() >= options_.queue_limit) return;
  if (!queued_.insert(chunk.location).second) return;
  queue_.push_back(chunk);
}

size_t Healer::DrainQueue() {
  size_t limit;
  {
    std::lock_guard lock(mu_);
    limit = queue_.size();
  }
  size_t healed = 0;
  while (healed < limit && Pace()) {
    meta::ChunkInfo chunk;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty()) break;  // another drain took the rest
      chunk = std::move(queue_.front());
      queue_.pop_front();
      // From here on the same location may be queued again: a read that
      // fails after this heal started deserves another look.
      queued_.erase(chunk.location);
    }
    HealOne(chunk);
    ++healed;
  }
  return healed;
}

Status Healer::RunFullPass() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return Stopped();
    if (progress_.pass_running) return Error(Code::kUnavailable, "a heal pass is running");
    progress_.pass_running = true;
    progress_.last_pass_started_ms = clock_.NowMillis();
  }
  // The walk, by hash: a chunk inserted behind the cursor during the pass is
  // new, and so was just written whole; the next pass checks it.
  auto walk = [&]() -> Status {
    std::string after;
    for (;;) {
      // Known damage first: drain between pages rather than wait for the end.
      DrainQueue();
      STRATA_ASSIGN_OR_RETURN(std::vector<meta::ChunkInfo> page,
                              meta_.ListChunks(after, options_.page_size));
      for (const meta::ChunkInfo& chunk : page) {
        if (!Pace()) return Stopped();
        HealOne(chunk);
      }
      if (page.size() < options_.page_size) return Status();
      after = page.back().hash;
    }
  };
  Status status = walk();
  std::lock_guard lock(mu_);
  progress_.pass_running = false;
  if (status.ok()) {
    ++progress_.passes_completed;
    progress_.last_pass_finished_ms = clock_.NowMillis();
  }
  return status;
}

void Healer::HealOne(const meta::ChunkInfo& chunk) {
  common::Result<HealResult> result = chunks_.Heal(chunk);
  if (!result.ok()) {
    // Fewer than K good shards (or a drive error): the chunk cannot be read
    // until drives come back. Operators need its name to find the objects.
    spdlog::warn("heal: chunk {} at {} not healed: {}", chunk.hash, chunk.location,
                 result.status().ToString());
  }
  std::lock_guard lock(mu_);
  ++progress_.chunks_checked;
  if (!result.ok()) {
    ++progress_.chunks_unrecoverable;
    return;
  }
  progress_.shards_missing += static_cast<uint64_t>(result->shards_missing);
  progress_.shards_corrupt += static_cast<uint64_t>(result->shards_corrupt);
  progress_.shards_rebuilt += static_cast<uint64_t>(result->shards_rebuilt);
}

bool Healer::Pace() {
  std::unique_lock lock(mu_);
  if (stop_) return false;
  if (options_.max_chunks_per_second <= 0) return true;
  using Clock = std::chrono::steady_clock;
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / options_.max_chunks_per_second));
  // Reserve the next slot before sleeping, so a pass and a drain running at
  // once share one budget. max(): time spent idle is not saved up as a burst.
  const Clock::time_point slot = std::max(Clock::now(), next_heal_);
  next_heal_ = slot + interval;
  return !stop_cv_.wait_until(lock, slot, [&] { return stop_; });
}

void Healer::RequestStop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
}

HealProgress Healer::progress() const {
  std::lock_guard lock(mu_);
  HealProgress progress = progress_;
  progress.queued = queue_.size();
  return progress;
}

}  // namespace strata::storage
