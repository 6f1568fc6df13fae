#include "storage/background/background_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace strata::storage {

namespace {

using SteadyClock = std::chrono::steady_clock;

// How often the heal queue is drained when nobody wakes the worker.
constexpr std::chrono::seconds kDrainInterval{1};

// The next due time of a job run every `interval`, or never for zero.
SteadyClock::time_point NextRun(std::chrono::milliseconds interval, SteadyClock::time_point now) {
  return interval.count() > 0 ? now + interval : SteadyClock::time_point::max();
}

}  // namespace

BackgroundWorker::BackgroundWorker(GarbageCollector& gc, Healer& healer, BackgroundOptions options)
    : gc_(gc), healer_(healer), options_(options), thread_([this] { Run(); }) {}

BackgroundWorker::~BackgroundWorker() { Stop(); }

void BackgroundWorker::EnqueueHeal(const meta::ChunkInfo& chunk) {
  healer_.Enqueue(chunk);
  {
    std::lock_guard lock(mu_);
    drain_requested_ = true;
  }
  wake_.notify_one();
}

void BackgroundWorker::TriggerHealPass() {
  {
    std::lock_guard lock(mu_);
    // A running pass already covers the request.
    if (heal_running_) return;
    heal_requested_ = true;
  }
  wake_.notify_one();
}

void BackgroundWorker::TriggerGc() {
  {
    std::lock_guard lock(mu_);
    if (gc_running_) return;
    gc_requested_ = true;
  }
  wake_.notify_one();
}

void BackgroundWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  // The running job, if any, ends at its next item instead of running out.
  gc_.RequestStop();
  healer_.RequestStop();
  std::lock_guard join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

bool BackgroundWorker::Stopping() const {
  std::lock_guard lock(mu_);
  return stop_;
}

BackgroundRuns BackgroundWorker::runs() const {
  std::lock_guard lock(mu_);
  return runs_;
}

void BackgroundWorker::Run() {
  SteadyClock::time_point now = SteadyClock::now();
  SteadyClock::time_point next_gc = NextRun(options_.gc_interval, now);
  SteadyClock::time_point next_heal = NextRun(options_.heal_interval, now);
  SteadyClock::time_point next_drain = now + kDrainInterval;
  std::unique_lock lock(mu_);
  for (;;) {
    // next_drain is always finite, so the deadline is too.
    wake_.wait_until(lock, std::min({next_gc, next_heal, next_drain}),
                     [&] { return stop_ || gc_requested_ || heal_requested_ || drain_requested_; });
    if (stop_) return;
    now = SteadyClock::now();
    const bool drain = drain_requested_ || now >= next_drain;
    const bool gc = gc_requested_ || now >= next_gc;
    const bool heal = heal_requested_ || now >= next_heal;
    drain_requested_ = false;
    // Marked running in the same critical section that consumes the request,
    // so a trigger arriving from here on is ignored rather than doubling the
    // pass.
    if (gc) {
      gc_requested_ = false;
      gc_running_ = true;
    }
    if (heal) {
      heal_requested_ = false;
      heal_running_ = true;
    }
    lock.unlock();

    size_t drained = 0;
    if (drain) {
      drained = healer_.DrainQueue();
      if (drained > 0) spdlog::info("heal queue: {} chunks checked", drained);
      next_drain = SteadyClock::now() + kDrainInterval;
    }
    if (gc) {
      RunGc();
      next_gc = NextRun(options_.gc_interval, SteadyClock::now());
    }
    if (heal) {
      RunHealPass();
      next_heal = NextRun(options_.heal_interval, SteadyClock::now());
    }

    lock.lock();
    if (drained > 0) ++runs_.queue_drains;
    if (gc) {
      gc_running_ = false;
      ++runs_.gc_passes;
    }
    if (heal) {
      heal_running_ = false;
      ++runs_.heal_passes;
    }
  }
}

void BackgroundWorker::RunGc() {
  common::Result<GcStats> result = gc_.RunOnce();
  if (!result.ok()) {
    if (Stopping()) {
      spdlog::info("gc pass stopped for shutdown");
    } else {
      spdlog::warn("gc pass ended early: {}", result.status().ToString());
    }
    return;
  }
  spdlog::info("gc pass: {} chunks ({} bytes) and {} orphan locations deleted, {} errors",
               result->chunks_deleted, result->bytes_reclaimed, result->orphans_deleted,
               result->errors);
}

void BackgroundWorker::RunHealPass() {
  const HealProgress before = healer_.progress();
  common::Status status = healer_.RunFullPass();
  const HealProgress after = healer_.progress();
  const uint64_t checked = after.chunks_checked - before.chunks_checked;
  const uint64_t rebuilt = after.shards_rebuilt - before.shards_rebuilt;
  const uint64_t unrecoverable = after.chunks_unrecoverable - before.chunks_unrecoverable;
  if (!status.ok() && Stopping()) {
    spdlog::info("heal pass stopped for shutdown after {} chunks", checked);
    return;
  }
  if (!status.ok()) {
    spdlog::warn("heal pass ended early after {} chunks ({} shards rebuilt): {}", checked, rebuilt,
                 status.ToString());
    return;
  }
  // The counts include queued chunks drained during the pass.
  spdlog::info("heal pass: {} chunks checked, {} shards rebuilt, {} chunks unrecoverable", checked,
               rebuilt, unrecoverable);
}

}  // namespace strata::storage
